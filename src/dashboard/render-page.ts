/**
 * The System Health page: server-rendered HTML, inline CSS, no external assets, refreshed every
 * 15 s. Every value that comes from data goes through htmlEscape.
 */
import { formatUtc } from '../shared/time-format';
import type { FeedNotification } from '../shared/alert-feed';
import { htmlEscape as e } from '../shared/html-escape';
import type { DashboardStatus, DisplaySeverity, IncidentSummary, TargetStatus } from './types';

export const REFRESH_SECONDS = 15;

const INDICATOR: Record<DisplaySeverity, { color: string; label: string }> = {
  HEALTHY: { color: 'green', label: 'HEALTHY' },
  WARNING: { color: 'amber', label: 'WARNING' },
  CRITICAL: { color: 'red', label: 'CRITICAL' },
  UNKNOWN: { color: 'grey', label: 'UNKNOWN' },
};

const CSS = `
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
main{padding:16px 24px;max-width:1100px}
.banner{padding:10px 14px;border-radius:6px;margin:10px 0;background:#fff4e5;border:1px solid #f0a020}
.banner.down{background:#fdecea;border-color:#d93025}
.card{background:#fff;border-radius:8px;padding:14px 18px;margin:12px 0;box-shadow:0 1px 2px #0002}
.status{display:inline-flex;align-items:center;gap:8px;font-weight:700}
.dot{width:16px;height:16px;border-radius:50%;display:inline-block}
.dot.green{background:#1e8e3e}.dot.amber{background:#f29900}.dot.red{background:#d93025}.dot.grey{background:#9aa0a6}
.sev-green{color:#1e8e3e}.sev-amber{color:#b06f00}.sev-red{color:#d93025}.sev-grey{color:#5f6368}
.muted{color:#5f6368;font-size:13px}.note{color:#b06f00}
.incident{border-left:4px solid #d93025;padding:6px 12px;margin-top:10px;background:#fdf6f5}
.incident.closed{border-color:#9aa0a6;background:#f8f9fa}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}
tr.unread{background:#fff8d6;font-weight:600}
.sevtag{font-size:12px;font-weight:700;padding:1px 6px;border-radius:4px;color:#fff}
.sevtag.CRITICAL{background:#d93025}.sevtag.WARNING{background:#f29900}.sevtag.INFO{background:#1a73e8}
button{font:inherit;padding:3px 10px;margin-right:6px;cursor:pointer}
a{color:#1a73e8}
`;

function timelineList(incident: IncidentSummary): string {
  if (!incident.lastSteps.length) return '';
  const items = incident.lastSteps
    .map(
      (s) =>
        `<li><span class="muted">${e(formatUtc(s.at))}</span> ${e(s.step)} (${e(s.outcome)}): ${e(s.detail)}</li>`,
    )
    .join('');
  return `<div>Last steps:<ol>${items}</ol></div>`;
}

function incidentBlock(t: TargetStatus): string {
  const i = t.incident;
  if (!i)
    return `<p class="muted">No incident on record. <a href="${e(t.links.incident)}">Incident in the Temporal Web UI</a></p>`;
  const title = i.open
    ? `Open incident: ${i.status}`
    : `Last incident: ${i.status}, closed ${formatUtc(i.closedAt)}`;
  const actions = i.open
    ? `<p><button data-action="acknowledge" data-target="${e(t.id)}">Acknowledge</button><button data-action="force-recovery" data-target="${e(t.id)}">Force recovery</button><button data-action="resolve" data-target="${e(t.id)}">Resolve</button></p>`
    : '';
  return `<div class="incident${i.open ? '' : ' closed'}">
<strong>${e(title)}</strong> <span class="muted">${e(i.incidentId)}</span><br>
Opened at ${e(formatUtc(i.openedAt))} · Attempts: ${e(i.attempts)}${i.acknowledged ? ` · Acknowledged by ${e(i.acknowledged.by)} at ${e(formatUtc(i.acknowledged.at))}` : ''}<br>
${i.issue ? `Issue: ${e(i.issue)}<br>` : ''}${i.open && i.activity ? `Now: ${e(i.activity)}<br>` : ''}${i.note ? `<span class="note">${e(i.note)}</span><br>` : ''}
${timelineList(i)}
<a href="${e(i.webUiUrl)}">Open ${e(i.workflowId)} in the Temporal Web UI</a>
${actions}</div>`;
}

function targetCard(t: TargetStatus): string {
  const ind = INDICATOR[t.severity];
  return `<section class="card" id="target-${e(t.id)}" data-severity="${e(t.severity)}">
<div class="status"><span class="dot ${ind.color}" title="${e(ind.label)}"></span><span class="sev-${ind.color}">${e(ind.label)}</span> <span>${e(t.id)}</span></div>
<p>${t.summary ? e(t.summary) : '<span class="muted">No verdict yet.</span>'}<br>
<span class="muted">Last probe: ${e(formatUtc(t.checkedAt))}${t.action ? ` · action: ${e(t.action)}` : ''}${t.stale ? ' · STALE' : ''}</span>
${t.paused ? `<br><strong class="note paused">${e(t.paused)}</strong>` : ''}${t.note ? `<br><span class="note">${e(t.note)}</span>` : ''}</p>
${incidentBlock(t)}
<p class="muted"><a href="${e(t.links.monitorRuns)}">Monitor runs of ${e(t.id)} in the Temporal Web UI</a></p>
</section>`;
}

function notificationsTable(status: DashboardStatus): string {
  const n = status.notifications;
  if (!n.available)
    return `<p class="note">Notifications cannot be read: ${e(n.error ?? 'unknown reason')}</p>`;
  if (!n.items.length) return '<p class="muted">No notifications.</p>';
  const rows = n.items
    .map(
      (x: FeedNotification) =>
        `<tr class="${x.read ? 'read' : 'unread'}" data-id="${e(x.id)}"><td>${e(formatUtc(x.at))}</td><td><span class="sevtag ${e(x.severity)}">${e(x.severity)}</span></td><td>${e(x.targetId)}</td><td>${e(x.text)}${x.incidentId ? ` <span class="muted">(${e(x.incidentId)})</span>` : ''}</td><td>${x.read ? 'read' : '<strong>unread</strong>'}</td></tr>`,
    )
    .join('\n');
  return `<p>${e(n.unread)} unread. <button data-action="read-all">Mark all shown as read</button></p>
<table><thead><tr><th>Time</th><th>Severity</th><th>Target</th><th>Notification</th><th></th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function banner(status: DashboardStatus): string {
  if (status.temporal.reachable) return '';
  const since = status.readAt
    ? `The data below is stale: last read at ${formatUtc(status.readAt)}.`
    : 'No data has been read yet: statuses below are unknown.';
  return `<div class="banner down" id="temporal-unreachable"><strong>Temporal is unreachable.</strong> ${e(since)}<br><span class="muted">${e(status.temporal.error ?? '')}</span></div>`;
}

/** A tiny script for the operator buttons: asks for the token once per tab and calls the JSON API. */
const SCRIPT = `
(function(){
  function token(){var t=sessionStorage.getItem('autoheal-token');if(t===null){t=prompt('Dashboard token (DASHBOARD_TOKEN; leave empty when none is set or the browser already asked for it):')||'';sessionStorage.setItem('autoheal-token',t);}return t;}
  function call(path,body){var h={'content-type':'application/json'};var t=token();if(t)h.authorization='Bearer '+t;
    return fetch(path,{method:'POST',headers:h,body:JSON.stringify(body)}).then(function(r){return r.json().then(function(j){if(r.status===401)sessionStorage.removeItem('autoheal-token');alert(r.ok?'Done: '+JSON.stringify(j):'Refused ('+r.status+'): '+(j.error||''));location.reload();});});}
  document.querySelectorAll('button[data-action]').forEach(function(b){b.addEventListener('click',function(){
    var a=b.getAttribute('data-action'),id=encodeURIComponent(b.getAttribute('data-target')||'');
    if(a==='read-all'){var ids=[].map.call(document.querySelectorAll('tr.unread'),function(r){return r.getAttribute('data-id');});if(ids.length)call('/api/notifications/read',{ids:ids});return;}
    var by=prompt('Your name:');if(!by)return;
    if(a==='acknowledge')call('/api/targets/'+id+'/acknowledge',{by:by});
    if(a==='force-recovery'){var reason=prompt('Reason for the forced recovery:');if(reason)call('/api/targets/'+id+'/force-recovery',{by:by,reason:reason});}
    if(a==='resolve'){var note=prompt('Resolution note:');if(note)call('/api/targets/'+id+'/resolve',{by:by,note:note});}
  });});
  setTimeout(function(){location.reload();},${REFRESH_SECONDS * 1000});
})();`;

export function renderPage(status: DashboardStatus, nonce: string): string {
  const worst =
    status.targets.find((t) => t.severity === 'CRITICAL') ??
    status.targets.find((t) => t.severity === 'WARNING');
  const title = worst ? `${worst.severity}: ${worst.id}` : 'System Health';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)} · FIDUS MT5 System Health</title>
<noscript><meta http-equiv="refresh" content="${REFRESH_SECONDS}"></noscript>
<style>${CSS}</style></head>
<body><header><h1>FIDUS MT5 · System Health Dashboard</h1></header><main>
${banner(status)}
<p class="muted">Generated at ${e(formatUtc(status.generatedAt))} · refreshes every ${REFRESH_SECONDS} s · namespace ${e(status.temporal.namespace)} · <a href="${e(status.temporal.webUiUrl)}">Temporal Web UI</a> · <a href="/api/status">JSON</a> · <a href="/metrics">metrics</a></p>
<h2>Targets</h2>
${status.targets.map(targetCard).join('\n') || '<p class="muted">No targets configured.</p>'}
<h2>Notifications</h2>
${notificationsTable(status)}
</main><script nonce="${e(nonce)}">${SCRIPT}</script></body></html>`;
}

/** The page shown when the status could not even be assembled: plain words, still refreshing. */
export function renderFailurePage(reason: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${REFRESH_SECONDS}"><title>System Health: unavailable</title><style>${CSS}</style></head>
<body><header><h1>FIDUS MT5 · System Health Dashboard</h1></header><main>
<div class="banner down"><strong>The dashboard could not read the system's status.</strong> ${e(reason)}</div>
<p class="muted">This page retries every ${REFRESH_SECONDS} s.</p></main></body></html>`;
}
