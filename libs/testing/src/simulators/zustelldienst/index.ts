// The FIT-Connect Zustelldienst simulator (sender and subscriber halves of the Submission API v2), the
// Fachverfahren that subscribes to it, and the test PKI that issues the destinations' certificates.
export { REQUEST_SCHEMAS, requestViolations, type RequestKind } from './api-description';
export {
  type FitConnectFachverfahren,
  type FitConnectFachverfahrenOptions,
  startFitConnectFachverfahren,
} from './demo-fachverfahren';
export { EVENT as FIT_CONNECT_EVENT, signSet } from './sets';
export {
  FitConnectSubscriber,
  type FitConnectReplyContent,
  type FitConnectSubscriberOptions,
  REPLY_PROCESS_STANDARD as FIT_CONNECT_REPLY_PROCESS_STANDARD,
  type ReceivedSubmission as FitConnectReceivedSubmission,
} from './subscriber';
export { ReplyDesk, type SimulatedReply } from './replies';
export { RoutingDirectory, type SimulatedRoute } from './routing-api';
export { type IssueOptions, type KeyUse, TestCa } from './test-pki';
export {
  type SimulatedDestination,
  type SimulatedSubmission,
  type ZustelldienstOptions,
  ZustelldienstSimulator,
} from './zustelldienst';
