/** An error in a data file's bytes: its message starts with the file's name. */
export class FileFormatError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}
