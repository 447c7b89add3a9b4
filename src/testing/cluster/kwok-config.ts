/** Writes kwok's kubelet-endpoint configuration: what logs, attach, exec and port-forward of a simulated pod do. */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';

/** Where kwok's kubelet endpoints read and run, inside the plane's folder. */
export interface KwokFiles {
  /** The config file (ClusterLogs, ClusterAttach, ClusterExec, ClusterPortForward). */
  readonly config: string;
  /** The container log every simulated container shows, in the CRI log format kwok reads. */
  readonly podLogFile: string;
  /** The working directory of commands run by exec into a simulated container. */
  readonly execDir: string;
}

/** One line of a CRI container log (what kubelets write and kwok serves): `<RFC 3339 nano time> stdout F <text>`. */
export const criLogLine = (text: string, at = new Date()): string =>
  `${at.toISOString().replace('Z', '000000Z')} stdout F ${text}\n`;

/** Appends `text`, one CRI log line per line, to a simulated container log. */
export async function appendCriLog(file: string, text: string): Promise<void> {
  const now = new Date();
  await appendFile(
    file,
    text
      .split('\n')
      .map((line) => criLogLine(line, now))
      .join(''),
  );
}

const resource = (kind: string, spec: Record<string, unknown>) => ({
  apiVersion: 'kwok.x-k8s.io/v1alpha1',
  kind,
  metadata: { name: `kubeloop-${kind.toLowerCase()}` },
  spec,
});

/**
 * Writes the config: every simulated container's log (and attach output) is one shared file, exec runs the
 * requested command on this machine in a folder of the plane, and every port of every pod echoes what it is sent
 * (`cat`), so port-forward can be tested end to end. Only clients the apiserver lets in reach any of these.
 */
export async function writeKwokFiles(dir: string): Promise<KwokFiles> {
  const root = join(dir, 'kwok');
  const files: KwokFiles = {
    config: join(root, 'kwok.yaml'),
    podLogFile: join(root, 'pod.log'),
    execDir: join(root, 'exec'),
  };
  await mkdir(files.execDir, { recursive: true });
  await writeFile(files.podLogFile, criLogLine('kubeloop: this container is simulated by kwok'));
  const documents = [
    resource('ClusterLogs', { logs: [{ logsFile: files.podLogFile, follow: true }] }),
    resource('ClusterAttach', { attaches: [{ logsFile: files.podLogFile }] }),
    resource('ClusterExec', { execs: [{ local: { workDir: files.execDir } }] }),
    resource('ClusterPortForward', { forwards: [{ command: ['cat'] }] }),
  ];
  await writeFile(files.config, documents.map((document) => yaml.dump(document)).join('---\n'));
  return files;
}
