import fs from 'node:fs';
import path from 'node:path';

/** runs/20261127-031502-local-quickstart: sortable, readable, unique per second (suffix if not). */
export function createRunDir(outDir: string, name: string, wallMs: number): string {
  const d = new Date(wallMs);
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  const base = path.resolve(outDir, `${stamp}-${name}`);
  fs.mkdirSync(path.dirname(base), { recursive: true });
  for (let i = 0; ; i++) {
    const dir = i === 0 ? base : `${base}-${i}`;
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
