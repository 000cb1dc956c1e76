namespace Gauntlet.Server;

/// <summary>A client mistake: the HTTP status (4xx) and a one-line message, sent as <c>{"error": ..., "status": ...}</c>.</summary>
public sealed class ApiError : Exception
{
    /// <summary>Creates the error.</summary>
    public ApiError(int status, string message)
        : base(message) => Status = status;

    /// <summary>Creates a 400 error.</summary>
    public ApiError()
        : this(400, "bad request")
    {
    }

    /// <summary>Creates a 400 error.</summary>
    public ApiError(string message)
        : this(400, message)
    {
    }

    /// <summary>Creates a 400 error with an inner exception.</summary>
    public ApiError(string message, Exception inner)
        : base(message, inner) => Status = 400;

    /// <summary>The HTTP status.</summary>
    public int Status { get; }
}
