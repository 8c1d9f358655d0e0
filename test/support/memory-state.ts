// The adapters' state store (Services['state']) in memory, for unit tests: entries as "platform/key".
import type { Services } from '../../src/runtime/services.ts';

export function memoryState(): { state: Services['state']; rows: Map<string, unknown> } {
  const rows = new Map<string, unknown>();
  const at = (platform: string, key: string) => `${platform}/${key}`;
  const state: Services['state'] = {
    get: async (platform, key, schema) => {
      const parsed = schema.safeParse(rows.get(at(platform, key)));
      return parsed.success ? parsed.data : undefined;
    },
    set: async (platform, key, value) => void rows.set(at(platform, key), value),
    delete: async (platform, key) => void rows.delete(at(platform, key)),
    list: async (platform, prefix) =>
      [...rows.entries()]
        .filter(([name]) => name.startsWith(at(platform, prefix)))
        .reverse()
        .map(([name, value]) => ({ key: name.slice(platform.length + 1), value })),
    replace: async (platform, remove, entries) => {
      for (const key of remove) rows.delete(at(platform, key));
      for (const entry of entries) rows.set(at(platform, entry.key), entry.value);
    },
  };
  return { state, rows };
}
