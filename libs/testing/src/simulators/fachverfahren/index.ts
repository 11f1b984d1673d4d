// The Fachverfahren simulator: import it (tests, demo) or run it as a process (main.ts --port N).
// Names carry a Fachverfahren/Push prefix so they can sit beside the other simulators in @amtsbote/testing.
export {
  FachverfahrenSimulator,
  type Envelope as FachverfahrenEnvelope,
  type EnvelopeFile as FachverfahrenEnvelopeFile,
  type FachverfahrenSimulatorOptions,
  type ReceivedFile as FachverfahrenReceivedFile,
  type ReceivedMessage as FachverfahrenReceivedMessage,
  type RoutingClient as FachverfahrenRoutingClient,
  type SimulatorMode as FachverfahrenSimulatorMode,
  type ValidationOutcome as FachverfahrenValidationOutcome,
} from './simulator';
export {
  checkSignature as checkPushSignature,
  expectedSignature as expectedPushSignature,
  MAX_SIGNATURE_AGE_SECONDS as MAX_PUSH_SIGNATURE_AGE_SECONDS,
  PUSH_HEADERS,
  signForTest as signPushForTest,
  type SignatureVerdict as PushSignatureVerdict,
} from './signature';
