namespace Gauntlet.Llm.Targets;

/// <summary>Why a request to a target produced no reply.</summary>
public enum TargetErrorKind
{
    /// <summary>No error: the reply text is valid.</summary>
    None,

    /// <summary>The connection failed (nothing listening, DNS, reset).</summary>
    Unreachable,

    /// <summary>No complete answer within the timeout.</summary>
    Timeout,

    /// <summary>An HTTP error status (429, 5xx after the retries, or a 4xx).</summary>
    HttpStatus,

    /// <summary>A success status with a body that is not the expected JSON (or SSE).</summary>
    BadResponse,
}

/// <summary>What one call to a target gave: the reply, or why there was none; never an exception for a misbehaving target.</summary>
public sealed record TargetResponse
{
    /// <summary>The reply text (empty on error).</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>The error kind; <see cref="TargetErrorKind.None"/> when <see cref="Text"/> is the reply.</summary>
    public TargetErrorKind ErrorKind { get; init; }

    /// <summary>A one-line description of the error, or null.</summary>
    public string? Error { get; init; }

    /// <summary>The last HTTP status seen, or null when no response arrived.</summary>
    public int? StatusCode { get; init; }

    /// <summary>How many HTTP requests were made (1 plus the retries).</summary>
    public int Attempts { get; init; }

    /// <summary>Wall time of the whole call, retries and waits included, in seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>Whether the call produced a reply.</summary>
    public bool Ok => ErrorKind == TargetErrorKind.None;
}
