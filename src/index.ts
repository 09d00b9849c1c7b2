/**
 * The library: the same behaviour as the CLI, which is a thin layer over these functions.
 *
 *   import { validateFile, uploadFile, createSimulator } from 'tiktok-ads-bulk';
 */
export { validateFile, uploadFile, changeAdStatus, type Summary, type ChangeSummary } from './library.js';
export type { ValidateFileOptions, ValidatedRow } from './commands/validate.js';
export { UPLOAD_DEFAULTS, type UploadOptions, type UploadEvent } from './upload/upload.js';
export { writeTemplate, type TemplateFormat } from './commands/template.js';
export type { StatusOptions } from './ad-status/change-status.js';
export type { StatusAction } from './ad-status/targets.js';
export type { RowProblem } from './commands/summary.js';
export type { QuotaInfo, StopReason } from './send/quota.js';
export type { Io } from './commands/io.js';
export { createSimulator, type Simulator, type SimStats } from './sim/server.js';
export type { SimOptions, FaultKind } from './sim/options.js';
export { RunError, type RunErrorCode } from './errors.js';
export { idempotencyKey, KEY_NAMESPACE } from './keys/idempotency-key.js';
export { FIELDS, type FieldSpec } from './validate/fields.js';
export { checkLinks, type CheckLinksOptions, type LinkedAd, type LinkCheckResult, type AdLinkResult } from './links/check-links.js';
export type { Observation, MediaInfo } from './links/observation.js';
export type { LinkVerdict } from './links/verdict.js';
export type { AdArgs, Problem } from './validate/args.js';
export { PROBLEM_KINDS, type ProblemKind } from './validate/problem-codes.js';
export type { ReportLine } from './report/report-line.js';
export type { Status, UploadStatus } from './report/status.js';
