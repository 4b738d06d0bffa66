/**
 * FormatError: a file (IDX, safetensors, model config, checkpoint) is malformed. It carries a
 * stable `code` so callers and tests can match the kind of failure without parsing the wording.
 */
export type FormatErrorCode = 'ERR_IDX_FORMAT' | 'ERR_SAFETENSORS_FORMAT' | 'ERR_MODEL_CONFIG' | 'ERR_CHECKPOINT';

export class FormatError extends Error {
  readonly code: FormatErrorCode;

  constructor(code: FormatErrorCode, message: string) {
    super(message);
    this.name = 'FormatError';
    this.code = code;
  }
}
