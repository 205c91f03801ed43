// The one error family of the service. Domain code throws these; the HTTP tier turns them into
// { error: { code, rule?, field?, message } } with the status they carry.

export interface ErrorBody {
  code: string;
  rule?: string;
  field?: string;
  message: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly rule?: string;
  readonly field?: string;

  constructor(code: string, status: number, message: string, details: { rule?: string; field?: string } = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    if (details.rule !== undefined) this.rule = details.rule;
    if (details.field !== undefined) this.field = details.field;
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      ...(this.rule !== undefined && { rule: this.rule }),
      ...(this.field !== undefined && { field: this.field }),
      message: this.message,
    };
  }
}

/** The request is malformed: a field is missing, of the wrong type or out of range. */
export class ValidationError extends AppError {
  constructor({ field, message }: { field: string; message: string }) {
    super("VALIDATION_ERROR", 400, message, { field });
  }
}

/** A hard rule refuses the write; nothing is stored. */
export class RuleViolation extends AppError {
  constructor({ rule, field, message }: { rule: string; field?: string; message: string }) {
    super("RULE_VIOLATION", 422, message, { rule, field });
  }
}

export class NotFound extends AppError {
  constructor(message: string) {
    super("NOT_FOUND", 404, message);
  }
}

/** Not logged in, or no longer: `rule` says why a session was refused (e.g. 'auth.sessionExpired'). */
export class Unauthorized extends AppError {
  constructor(message = "Authentication required", details: { rule?: string } = {}) {
    super("UNAUTHORIZED", 401, message, details);
  }
}

/** The caller is known but not allowed; `rule` names the permission rule, e.g. 'scope.orgSubtree'. */
export class Forbidden extends AppError {
  constructor({ rule, message }: { rule: string; message: string }) {
    super("FORBIDDEN", 403, message, { rule });
  }
}

export class Conflict extends AppError {
  constructor(message: string, details: { rule?: string; field?: string } = {}) {
    super("CONFLICT", 409, message, details);
  }
}

/** A refusal for now: the service cannot serve the request at the moment; `retryAfterSeconds` says when to try again. */
export class Unavailable extends AppError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, 503, message);
  }
}

/** The database cannot be reached (down, restarting, out of connections): nothing was done that the caller can rely on. */
export class DatabaseUnavailable extends Unavailable {
  constructor(retryAfterSeconds: number) {
    super(
      "DATABASE_UNAVAILABLE",
      `DATABASE_UNAVAILABLE: 数据库暂时无法访问，请求未能完成，请 ${retryAfterSeconds} 秒后重试。`,
      retryAfterSeconds,
    );
  }
}

/** The instance is stopping: requests it had accepted finish, new ones go to another instance or come back later. */
export class ShuttingDown extends Unavailable {
  constructor(retryAfterSeconds: number) {
    super("SHUTTING_DOWN", `SHUTTING_DOWN: 服务正在停止，本请求未被处理，请 ${retryAfterSeconds} 秒后重试。`, retryAfterSeconds);
  }
}

/** The chain cannot be reached or refused to answer; the caller may retry. */
export class ChainUnavailable extends AppError {
  constructor(message = "The chain is unavailable; try again later") {
    super("CHAIN_UNAVAILABLE", 503, message);
  }
}

export class TooManyRequests extends AppError {
  constructor(message: string) {
    super("TOO_MANY_REQUESTS", 429, message);
  }
}
