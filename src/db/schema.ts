import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Kysely's view of the tables in migrations/*.sql, in camelCase (CamelCasePlugin maps the names). */
export interface Database {
  settings: { key: string; value: string };
  counties: { code: string; isoCode: string; name: string; capital: string | null };
  ministries: { id: string; name: string; description: string | null };
  agencies: AgencyTable;
  services: ServiceTable;
  categories: CategoryTable;
  citizens: CitizenTable;
  staffUsers: StaffUserTable;
  staffSessions: StaffSessionTable;
  apiKeys: ApiKeyTable;
  cases: CaseTable;
  eventStreams: { id: string; seq: number; headHash: string };
  events: EventTable;
  triageRules: TriageRuleTable;
  triageModels: TriageModelTable;
  caseTriage: CaseTriageTable;
  triageExamples: TriageExampleTable;
  referrals: ReferralTable;
  businessCalendars: BusinessCalendarTable;
  calendarClosures: CalendarClosureTable;
  slaPolicies: SlaPolicyTable;
  caseClocks: CaseClockTable;
  staffNotifications: StaffNotificationTable;
  slaChecks: SlaCheckTable;
  uploads: UploadTable;
  citizenLoginCodes: CitizenLoginCodeTable;
  citizenSessions: CitizenSessionTable;
  citizenCaseClaims: { identity: string; caseId: string; claimedAt: Timestamp };
  outboundMessages: OutboundMessageTable;
  casePinFailures: { caseId: string; windowStart: Timestamp; failures: number };
  calls: CallTable;
  responseTemplates: ResponseTemplateTable;
  savedViews: { id: string; userId: string; name: string; query: string; createdAt: Timestamp };
  messageOptOuts: MessageOptOutTable;
  inboundEmails: {
    messageId: string;
    fromAddress: string;
    subject: string;
    outcome: 'case_created' | 'case_answered' | null;
    caseId: string | null;
    receivedAt: Timestamp;
  };
  inboundSms: InboundSmsTable;
  ussdSessions: UssdSessionTable;
  ussdCallers: { phone: string; language: Language; updatedAt: Timestamp };
  ussdSessionEvents: UssdSessionEventTable;
  knowledgeArticles: KnowledgeArticleTable;
  knowledgeVersions: KnowledgeVersionTable;
  knowledgeTexts: KnowledgeTextTable;
  knowledgeWords: KnowledgeWordTable;
  selfServiceAnswers: SelfServiceAnswerTable;
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type AgencyKind = 'agency' | 'clearing_house' | 'oversight';
export interface AgencyTable {
  calendarId: Generated<string | null>;
  /** Citizens tracking a case see the assigned officer's name. */
  showOfficerNames: Generated<boolean>;
  /** What the agency deems a full load of open cases for one person (the supervisor's workload page). */
  casesPerOfficer: Generated<number>;
  id: string;
  code: string | null;
  name: string;
  nameSw: string | null;
  shortName: string | null;
  kind: Generated<AgencyKind>;
  onboarded: Generated<boolean>;
  ministryId: string | null;
  description: string | null;
  url: string | null;
}

export interface ServiceTable {
  id: string;
  agencyId: string;
  code: string | null;
  name: string;
  nameSw: string | null;
  url: string | null;
  ecitizenId: string | null;
  active: Generated<boolean>;
  customised: Generated<boolean>;
}

export interface CategoryTable {
  id: string;
  agencyId: string;
  code: string;
  name: string;
  nameSw: string;
  active: Generated<boolean>;
  customised: Generated<boolean>;
}

export type Language = 'en' | 'sw';
export interface CitizenTable {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  preferredLanguage: Generated<Language>;
  createdAt: CreatedAt;
}

export const STAFF_ROLES = [
  'agent',
  'officer',
  'supervisor',
  'agency_head',
  'agency_admin',
  'clearing_house',
  'oversight',
  'sysadmin',
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffUserTable {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  agencyId: string | null;
  passwordHash: string;
  totpSecret: string | null;
  totpEnabled: Generated<boolean>;
  failedLogins: Generated<number>;
  lockedUntil: Timestamp | null;
  active: Generated<boolean>;
  createdAt: CreatedAt;
}

export interface StaffSessionTable {
  tokenHash: string;
  userId: string;
  createdAt: CreatedAt;
  lastSeenAt: Timestamp;
  expiresAt: Timestamp;
  scope: Generated<'full' | 'enrol_totp'>;
  ip: string | null;
  userAgent: string | null;
}

export interface ApiKeyTable {
  id: string;
  agencyId: string;
  name: string;
  prefix: string;
  keyHash: string;
  createdBy: string | null;
  createdAt: CreatedAt;
  lastUsedAt: Timestamp | null;
  revokedAt: Timestamp | null;
}

export const CASE_TYPES = [
  'complaint',
  'concern',
  'suggestion',
  'compliment',
  'inquiry',
  'service_request',
  'corruption_report',
] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const CHANNELS = ['web', 'ussd', 'sms', 'email', 'phone', 'walk_in', 'api', 'open311'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CASE_STATUSES = [
  'new',
  'acknowledged',
  'in_progress',
  'awaiting_citizen',
  'resolved',
  'closed',
  'reopened',
  'withdrawn',
  'merged',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface Attachment {
  name: string;
  contentType: string;
  size: number;
}

export interface CaseTable {
  id: string;
  reference: string;
  type: CaseType;
  channel: Channel;
  status: Generated<CaseStatus>;
  priority: Generated<Priority>;
  agencyId: string;
  queue: Generated<'main' | 'supervisor'>;
  serviceId: string | null;
  categoryId: string | null;
  subjectAgencyId: string | null;
  sealed: Generated<boolean>;
  citizenId: string | null;
  language: Generated<Language>;
  pinHash: string;
  title: string | null;
  description: string;
  countyCode: string | null;
  subCounty: string | null;
  ward: string | null;
  latitude: number | null;
  longitude: number | null;
  attachments: ColumnType<Attachment[], string | undefined, string>;
  assigneeId: string | null;
  transferCount: Generated<number>;
  mergedIntoId: string | null;
  rating: number | null;
  ratingComment: string | null;
  idempotencyKey: string | null;
  idempotencyFingerprint: string | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
  resolvedAt: Timestamp | null;
  closedAt: Timestamp | null;
  nextDueAt: Timestamp | null;
  escalationLevel: Generated<EscalationLevel>;
  /** An inquiry answered at once by this knowledge-base article (core/knowledge/auto-answer.ts). */
  autoAnswerArticleId: ColumnType<string | null, string | null | undefined, string | null>;
}

export type ActorType = 'citizen' | 'staff' | 'api_key' | 'system';
export interface EventTable {
  streamId: string;
  seq: number;
  caseId: string | null;
  kind: string;
  public: boolean;
  actorType: ActorType;
  actorId: string | null;
  data: ColumnType<Record<string, unknown>, string, never>;
  createdAt: ColumnType<Date, string, never>;
  prevHash: string;
  hash: string;
}

export type CaseRow = Selectable<CaseTable>;
export type NewCase = Insertable<CaseTable>;
export type StaffUser = Selectable<StaffUserTable>;
export type EventRow = Selectable<EventTable>;

export interface TriageRuleTable {
  id: string;
  position: number;
  name: string;
  enabled: boolean;
  conditions: ColumnType<Record<string, unknown>, string, string>;
  actions: ColumnType<Record<string, unknown>, string, string>;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
  updatedBy: string | null;
}

export type TriageModelStatus = 'training' | 'ready' | 'failed';
export interface TriageModelTable {
  version: string;
  source: 'shipped' | 'retrained';
  status: TriageModelStatus;
  active: Generated<boolean>;
  examples: number | null;
  model: Uint8Array | null;
  evaluation: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  error: string | null;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  createdBy: string | null;
  activatedAt: Timestamp | null;
  activatedBy: string | null;
}

export interface CaseTriageTable {
  caseId: string;
  modelVersion: string;
  decision: ColumnType<Record<string, unknown>, string, never>;
  decidedAt: Timestamp;
}

export interface TriageExampleTable {
  id: string;
  caseId: string;
  text: string;
  agencyCode: string;
  source: 'routing' | 'transfer' | 'referral';
  createdBy: string | null;
  createdAt: Timestamp;
}

export interface ReferralTable {
  id: string;
  caseId: string;
  agencyId: string;
  email: string | null;
  note: string;
  tokenHash: string;
  createdBy: string;
  createdAt: Timestamp;
  emailedAt: Timestamp | null;
  emailError: string | null;
  acknowledgedAt: Timestamp | null;
  acknowledgedBy: string | null;
  acknowledgementNote: string | null;
}

export const ESCALATION_LEVELS = ['officer', 'supervisor', 'agency_head', 'oversight'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

type Json<T> = ColumnType<T, string, string>;

export interface BusinessCalendarTable {
  id: string;
  name: string;
  nameSw: string;
  timeZone: Generated<string>;
  alwaysOpen: Generated<boolean>;
  workingHours: ColumnType<Record<string, [string, string][]>, string | undefined, string>;
  holidayCountry: string | null;
  updatedAt: Generated<Date>;
}

export interface CalendarClosureTable {
  id: string;
  calendarId: string;
  startsAt: Timestamp;
  endsAt: Timestamp;
  reason: string;
  createdBy: string | null;
  createdAt: Generated<Date>;
}

export interface SlaPolicyTable {
  id: string;
  name: string;
  agencyId: string | null;
  serviceId: string | null;
  caseType: CaseType | null;
  priority: Priority | null;
  calendarId: string | null;
  clocks: Json<Record<string, unknown>>;
  warnAtPercent: number | null;
  breachActions: Json<Record<string, unknown>>;
  escalation: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  enabled: Generated<boolean>;
  updatedAt: Generated<Date>;
  updatedBy: string | null;
}

export type ClockStatus = 'running' | 'paused' | 'met' | 'stopped';
export interface CaseClockTable {
  caseId: string;
  clock: string;
  status: ClockStatus;
  mode: 'wall' | 'working';
  calendarId: string;
  targetSeconds: number;
  policy: string;
  startedAt: Timestamp;
  dueAt: Timestamp | null;
  warnAt: Timestamp | null;
  pausedAt: Timestamp | null;
  remainingSeconds: number | null;
  metAt: Timestamp | null;
  warnedAt: Timestamp | null;
  breachedAt: Timestamp | null;
  escalations: Generated<number>;
  fireAt: Timestamp | null;
}
export type CaseClockRow = Selectable<CaseClockTable>;

export interface StaffNotificationTable {
  id: string;
  userId: string;
  caseId: string | null;
  kind: string;
  data: Json<Record<string, unknown>>;
  createdAt: Timestamp;
  readAt: Timestamp | null;
}

export interface SlaCheckTable {
  id: string;
  ranAt: Timestamp;
  openCases: number;
  findings: Json<unknown[]>;
  repaired: number;
  unrepaired: number;
}

export const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type UploadType = (typeof UPLOAD_TYPES)[number];
export interface UploadTable {
  id: string;
  tokenHash: string;
  caseId: string | null;
  eventSeq: number | null;
  name: string;
  contentType: UploadType;
  size: number;
  sha256: string;
  content: Uint8Array;
  createdAt: CreatedAt;
  attachedAt: Timestamp | null;
}

/** Who a signed-in citizen is: the phone number or e-mail address a one-time code reached. */
export type CitizenIdentity = `phone:${string}` | `email:${string}`;

export interface CitizenLoginCodeTable {
  id: string;
  identity: string;
  codeHash: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  failedAttempts: Generated<number>;
  usedAt: Timestamp | null;
  requestedIp: string | null;
}

export interface CitizenSessionTable {
  tokenHash: string;
  identity: string;
  createdAt: Timestamp;
  lastSeenAt: Timestamp;
  expiresAt: Timestamp;
}

export type OutboundChannel = 'sms' | 'email';
export interface OutboundMessageTable {
  id: string;
  channel: OutboundChannel;
  recipient: string;
  subject: string | null;
  /** Emptied once a secret message has gone or been given up on. */
  body: string;
  secret: Generated<boolean>;
  caseId: string | null;
  purpose: string;
  dedupeKey: string;
  status: Generated<'queued' | 'sent' | 'failed' | 'skipped'>;
  provider: string | null;
  providerMessageId: string | null;
  error: string | null;
  attempts: Generated<number>;
  nextAttemptAt: Timestamp;
  createdAt: Timestamp;
  sentAt: Timestamp | null;
  /** The case event a notification tells of. */
  eventSeq: number | null;
  language: Language | null;
  /** The SMS gateway's last delivery report: Success, Failed, Rejected, ... */
  deliveryStatus: string | null;
  deliveryFailure: string | null;
  deliveredAt: Timestamp | null;
}

/** Addresses that asked to hear nothing more on a channel (STOP by SMS). */
export interface MessageOptOutTable {
  channel: OutboundChannel;
  recipient: string;
  createdAt: Timestamp;
}

export const CALL_OUTCOMES = [
  'case_created',
  'resolved_first_contact',
  'existing_case',
  'information_given',
  'dropped',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** A call taken at the contact-centre desk, with what came of it. */
export interface CallTable {
  id: string;
  agentId: string;
  agencyId: string;
  phone: string | null;
  citizenId: string | null;
  caseId: string | null;
  outcome: CallOutcome;
  note: string | null;
  createdAt: Timestamp;
}

/** A bilingual answer staff start from (core/console/response-templates.ts); no agency = national. */
export interface ResponseTemplateTable {
  id: string;
  agencyId: string | null;
  name: string;
  bodyEn: string;
  bodySw: string;
  active: Generated<boolean>;
  createdBy: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** A USSD session with the gateway (channels/ussd): the last hop's input path and the menu state after it. */
export interface UssdSessionTable {
  sessionId: string;
  phone: string;
  serviceCode: string;
  networkCode: string | null;
  text: string;
  /** The menu state (channels/ussd/ussd-state.ts), as JSON. */
  state: ColumnType<unknown, string, string>;
  hops: Generated<number>;
  resumable: Generated<boolean>;
  caseId: string | null;
  endedAt: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** The gateway's notification that a USSD session ended, as it sent it. */
export interface UssdSessionEventTable {
  sessionId: string;
  phone: string | null;
  serviceCode: string | null;
  networkCode: string | null;
  status: string | null;
  cost: string | null;
  durationMs: number | null;
  hopsCount: number | null;
  input: string | null;
  lastAppResponse: string | null;
  errorMessage: string | null;
  gatewayDate: string | null;
  receivedAt: Timestamp;
}

export const INBOUND_SMS_OUTCOMES = [
  'case_created',
  'case_answered',
  'status',
  'help',
  'opted_out',
  'opted_in',
  'info',
  'too_long',
  'ignored',
] as const;
export type InboundSmsOutcome = (typeof INBOUND_SMS_OUTCOMES)[number];

/** A message the SMS gateway delivered, once per gateway id (channels/sms/answer-sms.ts). */
export interface InboundSmsTable {
  id: string;
  sender: string;
  recipient: string;
  text: string;
  gatewayDate: string | null;
  linkId: string | null;
  networkCode: string | null;
  /** Null while a handler is at it. */
  outcome: InboundSmsOutcome | null;
  caseId: string | null;
  replyMessageId: string | null;
  receivedAt: Timestamp;
  claimedAt: Timestamp;
  handledAt: Timestamp | null;
}

export type ArticleStatus = 'draft' | 'published' | 'retired';
export type VersionState = 'draft' | 'in_review' | 'published' | 'superseded' | 'returned';

/** One language of an article: the web page, the SMS and the USSD screens. */
export interface ArticleText {
  title: string;
  summary: string;
  /** Simple Markdown (core/knowledge/render-article.ts). */
  body: string;
  sms: string;
  ussd: string[];
  keywords: string[];
}
export type ArticleContent = Record<Language, ArticleText>;

export interface KnowledgeArticleTable {
  id: string;
  slug: string;
  agencyId: string;
  serviceId: string | null;
  status: ArticleStatus;
  position: Generated<number>;
  publishedVersion: number | null;
  publishedAt: Timestamp | null;
  reviewBy: ColumnType<string, string, string>;
  reviewRemindedFor: ColumnType<string | null, string | null | undefined, string | null>;
  ownerId: string | null;
  source: string | null;
  customised: Generated<boolean>;
  helpful: Generated<number>;
  notHelpful: Generated<number>;
  views: Generated<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface KnowledgeVersionTable {
  articleId: string;
  version: number;
  state: VersionState;
  content: ColumnType<ArticleContent, string, string>;
  writtenBy: string | null;
  writtenAt: Timestamp;
  reviewedBy: string | null;
  reviewedAt: Timestamp | null;
  note: string | null;
}

export interface KnowledgeTextTable {
  articleId: string;
  language: Language;
  title: string;
  summary: string;
  body: string;
  sms: string;
  ussd: string[];
  keywords: string[];
  search: ColumnType<string, never, never>;
  headline: string;
  /** The text's distinct words, counted in knowledge_words while the article is published. */
  words: ColumnType<string[], never, never>;
}

export interface KnowledgeWordTable {
  word: string;
  articles: number;
}

export interface SelfServiceAnswerTable {
  id: string;
  articleId: string;
  channel: 'web' | 'ussd' | 'sms' | 'console';
  language: Language;
  kind: 'stopped_report' | 'helpful' | 'not_helpful' | 'info';
  query: string | null;
  createdAt: Timestamp;
}
