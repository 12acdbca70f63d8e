/** vitest global setup: the Python venv (created once, then reused). */
import { ensureVenv } from './venv.js';

interface ProvidingProject {
  provide: (key: 'parityPython', value: string) => void;
}

export function setup(project: ProvidingProject): void {
  project.provide('parityPython', ensureVenv());
}
