/** The one place that builds a Firestore client for the functions and the scripts. */
import { Firestore } from '@google-cloud/firestore';

/** Project id used against an emulator when none is configured (`demo-` ids never reach Google). */
export const EMULATOR_PROJECT_ID = 'demo-homecall';

/** A Firestore client: FIRESTORE_EMULATOR_HOST and the usual project variables apply. */
export function createFirestore(options: { projectId?: string } = {}): Firestore {
  // The client library itself switches to FIRESTORE_EMULATOR_HOST (plain text, no credentials);
  // it only needs a project id, which an emulator run may not have configured.
  const projectId =
    options.projectId ??
    nonEmpty(process.env.GCLOUD_PROJECT) ??
    nonEmpty(process.env.GOOGLE_CLOUD_PROJECT) ??
    (nonEmpty(process.env.FIRESTORE_EMULATOR_HOST) ? EMULATOR_PROJECT_ID : undefined);
  // Without a project id the library finds it from the credentials / metadata server.
  return new Firestore({
    ...(projectId === undefined ? {} : { projectId }),
    // Optional fields of stored shapes are often present as `undefined`; drop them on write.
    ignoreUndefinedProperties: true,
  });
}

/** The value, or undefined when it is unset or empty (`VAR=` in a shell or .env file). */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
