/**
 * The System Health page: server-rendered HTML, inline CSS, no external assets, refreshed every
 * 15 s. Every value that comes from data goes through htmlEscape.
 */
import { MIN_COVERAGE, NOT_ENOUGH_MEASURED } from '../shared/report-math';
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
td.state.HEALTHY{color:#fff;background:#1a7f37}td.state.WARNING{background:#d4a72c}td.state.CRITICAL,td.state.HEALING,td.state.ESCALATED{color:#fff;background:#cf222e}td.state.PAUSED,td.state.UNKNOWN{background:#8c959f;color:#fff}
td.strip{white-space:nowrap}.cell{display:inline-block;width:7px;height:18px;margin-right:1px;border-radius:1px}.cell.up{background:#1a7f37}.cell.degraded{background:#d4a72c}.cell.down{background:#cf222e}.cell.unknown{background:#d0d7de}.cell.partial{background:#8fd19e}.cell.maintenance{background:#8c959f}
p.remediation.off{background:#fff8c5;padding:6px}details.mail pre{white-space:pre-wrap;background:#f6f8fa;padding:8px}
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

/** The restart's GitHub Actions run: its state, linked to its page (an https URL only). */
function restartRunLine(incident: IncidentSummary): string {
  const run = incident.restartRun;
  if (!run) return '';
  const state = run.status === 'completed' ? (run.conclusion ?? 'completed') : run.status === 'in_progress' ? 'in progress' : 'queued';
  const link = /^https:\/\//.test(run.url) ? `<a href="${e(run.url)}">${e(run.url)}</a>` : e(run.url);
  return `Restart job of attempt ${e(run.attempt)}: <span class="run-state">${e(state)}</span> · GitHub Actions run ${link}<br>`;
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
Opened at ${e(formatUtc(i.openedAt))} · Attempts: ${e(i.attempts)}${i.rungs?.length ? ` (${e(i.rungs.join(' → '))})` : ''}${i.acknowledged ? ` · Acknowledged by ${e(i.acknowledged.by)} at ${e(formatUtc(i.acknowledged.at))}` : ''}<br>
${i.issue ? `Issue: ${e(i.issue)}<br>` : ''}${i.diagnosis ? `<span class="diagnosis">Diagnosis: ${i.diagnosis.rung ? `first rung ${e(i.diagnosis.rung)}` : 'no rung of the ladder cures it: people'} — ${e(i.diagnosis.why)}</span><br>` : ''}${restartRunLine(i)}${i.open && i.activity ? `Now: ${e(i.activity)}<br>` : ''}${i.note ? `<span class="note">${e(i.note)}</span><br>` : ''}
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
${t.paused ? `<br><strong class="note paused">${e(t.paused)}</strong>` : ''}${t.windows ? `<br><span class="note windows">${e(t.windows)}</span>` : ''}${t.note ? `<br><span class="note">${e(t.note)}</span>` : ''}</p>
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
  function el(tag,cls,text){var x=document.createElement(tag);if(cls)x.className=cls;if(text!==undefined)x.textContent=String(text);return x;}
  function upt(f){var c='coverage '+(f.coveragePct>0&&f.coveragePct<0.1?'<0.1':f.coveragePct.toFixed(1))+'%';return f.enoughCoverage&&f.uptimePct!==null?f.uptimePct.toFixed(3)+'% ('+c+')':'${NOT_ENOUGH_MEASURED} ('+c+')';}
  function dur(ms){if(ms===undefined||ms===null)return '—';var s=Math.round(ms/1000);if(s<60)return s+'s';var m=Math.floor(s/60);if(m<60)return m+'m '+(s%60)+'s';var h=Math.floor(m/60);return h+'h '+(m%60)+'m';}
  function get(path){var h={};var t=sessionStorage.getItem('autoheal-token');if(t)h.authorization='Bearer '+t;return fetch(path,{headers:h}).then(function(r){if(!r.ok)throw new Error(path+': HTTP '+r.status);return r.json();});}
  function bad(state){return state!=='HEALTHY';}
  get('/api/operator').then(function(d){
    var box=document.getElementById('operator');box.textContent='';
    var sw=d.status.remediation;var p=el('p','remediation '+(sw.enabled?'on':'off'));
    p.appendChild(el('strong',null,sw.enabled?'Remediation ON':'Remediation OFF'));
    if(!sw.enabled&&sw.last)p.appendChild(document.createTextNode(' by '+sw.last.by+' ('+sw.last.reason+') since '+sw.last.at+': automatic restarts are withheld '));
    var b=el('button',null,sw.enabled?'Turn remediation off':'Turn remediation on');b.setAttribute('data-op',sw.enabled?'remediation-off':'remediation-on');p.appendChild(document.createTextNode(' '));p.appendChild(b);
    var ta=el('button',null,'Send test alert');ta.setAttribute('data-op','test-alert');p.appendChild(document.createTextNode(' '));p.appendChild(ta);box.appendChild(p);
    var crit=d.status.targets.filter(function(t){return t.state==='CRITICAL'||t.state==='HEALING'||t.state==='ESCALATED';});
    if(crit.length){var a=el('div','banner down');a.id='critical-indicator';a.textContent='● CRITICAL: '+crit.map(function(t){return t.target+' '+t.state;}).join(', ');document.getElementById('alarm').appendChild(a);}
    var tbl=el('table','overview');var hr=el('tr');['Target','State','Last probe','Open incident','Failed attempts','Cooldown','Maintenance','Uptime 24h / 7d / 30d','Budget left (30d)','MTTR p50 / p95 / max','Auto-healed','Last 30 days'].forEach(function(h){hr.appendChild(el('th',null,h));});tbl.appendChild(hr);
    d.status.targets.forEach(function(t){var r=el('tr');r.setAttribute('data-target',t.target);r.appendChild(el('td',null,t.target));
      var st=el('td','state '+t.state,t.state);st.setAttribute('data-state',t.state);r.appendChild(st);
      r.appendChild(el('td',null,t.lastProbeAgeMs===undefined?'—':dur(t.lastProbeAgeMs)+' ago'));
      var inc=el('td');if(t.incident){var l=el('a',null,t.incident.incidentId+' '+t.incident.status+' ('+dur(t.incident.ageMs)+')');l.href=d.webUiUrl+'/namespaces/'+encodeURIComponent(d.namespace)+'/workflows/'+encodeURIComponent(t.incident.workflowId);inc.appendChild(l);inc.appendChild(el('div','muted',t.incident.step));}else inc.textContent='—';r.appendChild(inc);
      r.appendChild(el('td',null,t.failedAttempts.inWindow+'/'+t.failedAttempts.escalateAfter+' in '+dur(t.failedAttempts.windowMs)));
      r.appendChild(el('td',null,t.cooldownLeftMs>0?dur(t.cooldownLeftMs):'—'));var mt=el('td',null,t.maintenance||'—');if(t.windows)mt.appendChild(el('div','muted',t.windows));r.appendChild(mt);
      var rep=d.report.targets.filter(function(x){return x.target===t.target;})[0];
      if(rep){var u=rep.uptime;var ut=el('td',null,[u['24h'],u['7d'],u['30d']].map(upt).join(' / '));ut.setAttribute('data-field','uptime');r.appendChild(ut);
        var bl=el('td',null,(rep.period.errorBudgetLeftMs/60000).toFixed(1)+' min');bl.setAttribute('data-field','budget-left');r.appendChild(bl);var m=rep.incidents.mttr;r.appendChild(el('td',null,m.count?dur(m.p50Ms)+' / '+dur(m.p95Ms)+' / '+dur(m.maxMs):'—'));
        r.appendChild(el('td',null,rep.incidents.autoHealRate===undefined?'—':Math.round(rep.incidents.autoHealRate*100)+'%'));
        var strip=el('td','strip');rep.days.forEach(function(c){var cls=c.downMs>0?(c.downMs>=300000?'down':'degraded'):(c.measuredMs===0?(c.maintenanceMs>0?'maintenance':'unknown'):(c.unknownMs>3600000?'partial':'up'));var cell=el('span','cell '+cls);cell.title=c.day+': up '+dur(c.upMs)+', down '+dur(c.downMs)+', unknown '+dur(c.unknownMs)+', maintenance '+dur(c.maintenanceMs);strip.appendChild(cell);});r.appendChild(strip);}
      tbl.appendChild(r);});
    box.appendChild(tbl);
    var o=d.report.overall;box.appendChild(el('p','muted','Overall (30 days, objective 99.99%): uptime '+upt(o.period)+', error budget left '+(o.period.errorBudgetLeftMs/60000).toFixed(1)+' min, down '+dur(o.period.downMs)+', unknown '+dur(o.period.unknownMs)+', maintenance '+dur(o.period.maintenanceMs)+', incidents '+o.incidents.incidents+', MTTD p50 '+dur(o.incidents.mttd.p50Ms)+', MTTA p50 '+dur(o.incidents.mtta.p50Ms)+', escalations '+o.incidents.escalations+'. Uptime = up / (up + down), shown with its coverage (measured / period); below ${MIN_COVERAGE * 100}% coverage it says ${NOT_ENOUGH_MEASURED}. Unknown time (no probe within two check intervals) and maintenance are neither up nor down; only down time spends the error budget.'));
    document.querySelectorAll('button[data-op]').forEach(function(btn){btn.addEventListener('click',function(){var by=prompt('Your name:');if(!by)return;
      if(btn.getAttribute('data-op')==='test-alert'){call('/api/test-alert',{by:by});return;}
      if(btn.getAttribute('data-op')==='remediation-off'){var why=prompt('Why stop automatic restarts?');if(why)call('/api/remediation/off',{by:by,reason:why});}else call('/api/remediation/on',{by:by});});});
  }).catch(function(err){document.getElementById('operator').textContent='The overview could not be read: '+err.message;});
  get('/api/mail').then(function(list){var box=document.getElementById('mail');box.textContent='';if(!list.length){box.appendChild(el('p','muted','No email caught (the catcher runs in demo mode when no SMTP is configured).'));return;}
    list.slice(0,10).forEach(function(m){var d=el('details','mail');d.appendChild(el('summary',null,m.at.replace('T',' ').slice(0,19)+'  '+m.subject+'  → '+m.to.join(', ')));d.appendChild(el('pre',null,m.text));box.appendChild(d);});
  }).catch(function(err){document.getElementById('mail').textContent='The emails could not be read: '+err.message;});
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
<div id="alarm"></div>
<h2>Overview</h2>
<div id="operator"><p class="muted">Loading the overview…</p></div>
<h2>Targets</h2>
${status.targets.map(targetCard).join('\n') || '<p class="muted">No targets configured.</p>'}
<h2>Notifications</h2>
${notificationsTable(status)}
<h2>Emails <span class="muted">(demo mail catcher)</span></h2>
<div id="mail"><p class="muted">Loading…</p></div>
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
