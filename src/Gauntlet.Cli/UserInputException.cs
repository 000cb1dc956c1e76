namespace Gauntlet.Cli;

/// <summary>
/// A mistake in what the user asked for (an option value, a missing file). The CLI prints its
/// message as one line and exits with <see cref="CliApp.ExitUserError"/>.
/// </summary>
public sealed class UserInputException : Exception
{
    /// <summary>Creates the exception with a message that names the input and what was expected.</summary>
    public UserInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the underlying cause.</summary>
    public UserInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public UserInputException()
        : base("invalid input")
    {
    }
}
