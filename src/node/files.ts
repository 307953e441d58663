import { type Stats, closeSync, constants, fstatSync, openSync, readSync, statSync } from 'fs';

/**
 * Reading a file a learner points at, safely: directories, FIFOs, devices and sockets (a `/dev/zero`
 * symlink, a pipe in a data folder) are refused before anything could block on them or read
 * forever; the file is opened non-blocking, checked again with fstat, and read by its size, at most
 * `maxBytes`. Errors are plain sentences (fileProblem) for the caller to put after the file's name.
 */

export class FileProblem extends Error {}

/** A sentence for a failed open/stat/read: what it means and what to do. */
export function fileProblem(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'ELOOP':
      return 'a loop of symbolic links: it points back at itself';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: it cannot be read';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    default:
      return err instanceof FileProblem ? err.message : (err?.message ?? String(e));
  }
}

export function readRegularFile(file: string, maxBytes: number): Uint8Array {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    throw new FileProblem(fileProblem(e));
  }
  if (st.isDirectory()) throw new FileProblem('it is a folder, not a file');
  if (!st.isFile()) throw new FileProblem('it is not a regular file (a FIFO, device or socket)');
  if (st.size > maxBytes) throw new FileProblem(`it is ${st.size} bytes, more than the ${maxBytes} allowed`);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new FileProblem(fileProblem(e));
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile()) throw new FileProblem('it is not a regular file (a FIFO, device or socket)');
    if (now.size > maxBytes) throw new FileProblem(`it is ${now.size} bytes, more than the ${maxBytes} allowed`);
    const out = new Uint8Array(now.size);
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, null);
      if (n === 0) break;
      at += n;
    }
    return at === out.length ? out : out.subarray(0, at);
  } catch (e) {
    throw e instanceof FileProblem ? e : new FileProblem(fileProblem(e));
  } finally {
    closeSync(fd);
  }
}
