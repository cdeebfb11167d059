/** Alerting: email rendering and delivery, in-app notifications, SMTP checks. */
export {
  createAlertActivities,
  recipientsFor,
  ALERT_EMAIL_DEFERRED,
  undeliverableNoticeId,
  type AlertActivitiesDeps,
} from './create-alert-activities';
export {
  renderEmail,
  SUBJECTS,
  accountsLine,
  type RenderContext,
  type RenderedEmail,
} from './render-email';
export { threadingFor, incidentRootMessageId } from './email-threading';
export {
  createSmtpMailer,
  SMTP_TIMEOUTS,
  type Mailer,
  type OutgoingEmail,
  type MailDelivery,
  type SmtpConfig,
} from './mailer';
export { classifySmtpError, type SmtpFailure } from './classify-smtp-error';
export { checkSmtp, type SmtpCheck } from './check-smtp';
export { sendTestAlert, TestAlertFailedError, type TestAlertOptions } from './send-test-alert';
export { createMemoryNotificationFeed } from './notification-feed';
