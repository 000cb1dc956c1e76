namespace Gauntlet.Governance.Registry;

/// <summary>
/// A registry request that cannot be met as asked: an unknown model, version or alias, a database
/// that is not a registry, a duplicate. The message is one line naming the thing; the CLI prints it
/// and exits 2.
/// </summary>
public sealed class RegistryException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public RegistryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the cause.</summary>
    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public RegistryException()
        : base("registry error")
    {
    }
}
