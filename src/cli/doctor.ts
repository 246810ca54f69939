/** `hotpath doctor`: which sandbox layers are active on this machine. */
import { resolveNodePath, sandboxLayers } from '../core';

export async function runDoctor(preferredNode?: string): Promise<{ text: string; ok: boolean }> {
  const nodePath = await resolveNodePath(preferredNode);
  const layers = await sandboxLayers(nodePath);
  const ok = layers.some((l) => /permission/i.test(l));
  const lines = [`Node binary: ${nodePath}`, 'Sandbox layers active on this machine:', ...layers.map((l) => `  ✔ ${l}`)];
  if (!ok) lines.push('  ✘ Node permission model unavailable: Hotpath refuses to run candidates (fail closed).');
  return { text: lines.join('\n'), ok };
}
