// The Fachverfahren simulator: import it (tests, demo) or run it as a process (main.ts --port N).
export {
  FachverfahrenSimulator,
  type Envelope,
  type EnvelopeFile,
  type FachverfahrenSimulatorOptions,
  type ReceivedFile,
  type ReceivedMessage,
  type RoutingClient,
  type SimulatorMode,
  type ValidationOutcome,
} from './simulator';
export {
  checkSignature,
  expectedSignature,
  MAX_SIGNATURE_AGE_SECONDS,
  PUSH_HEADERS,
  signForTest,
  type SignatureVerdict,
} from './signature';
