namespace Gauntlet.Federated;

/// <summary>A round ended with nothing to aggregate: no client answered before the deadline.</summary>
public sealed class RoundFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RoundFailedException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public RoundFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public RoundFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
