// What the blocks hit: ACL log lines parsed, counted per device and hour, and reported against the block and allow
// entries (README.md).
export { parseAclLogLine } from './acl-log-line.js';
export { openHitRecorder, type HitCounters, type HitRecorder, type HitRecorderOptions } from './hit-recorder.js';
export { readHitReport, HIT_REPORT_FORMAT_VERSION, type HitReport, type HitReportOptions } from './hit-report.js';
