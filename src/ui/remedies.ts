import type { TrainerClient } from '../client/trainer-client.svelte';
import type { SettingsPatch } from '../experiment/protocol';
import type { ExperimentStore } from './experiment-store.svelte';
import { describePatch } from './training-text';

/**
 * The "Apply: …" intent of a remedy button: the patch goes into the experiment (so the settings show it and a
 * later Train uses it), and when the interrupted run can continue with exactly these settings it resumes,
 * keeping its weights and history. Otherwise the user presses Train.
 */
export function applyRemedy(store: ExperimentStore, client: TrainerClient, patch: SettingsPatch): void {
  if (client.busy) return;
  store.applyPatch(patch);
  const resume = client.resumePatchFor(store.spec());
  if (resume) {
    void client.resume(resume);
    return;
  }
  client.discard();
  store.say(`Applied ${describePatch(patch)}. Press Train to run with it.`);
}
