/**
 * An error reply of an AWS API: the code and message the CLI prints (`An error occurred (<code>) when calling
 * the <Op> operation: <message>`), the HTTP status, and extra JSON fields for rest-json services.
 */
export class AwsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AwsApiError";
  }

  /** Query protocol <Type>: Receiver for server-side faults. */
  get type(): "Sender" | "Receiver" {
    return this.status >= 500 ? "Receiver" : "Sender";
  }
}

/** `1 validation error detected: Value 'x' at 'roleName' failed to satisfy constraint: ...` */
export function validationError(value: string | undefined, member: string, constraint: string): AwsApiError {
  const shown = value === undefined ? "null" : `'${value}'`;
  return new AwsApiError(
    "ValidationError",
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
