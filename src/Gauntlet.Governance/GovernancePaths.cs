namespace Gauntlet.Governance;

/// <summary>
/// Where governance keeps its state by default: a folder under the user's data folder
/// (<c>$XDG_DATA_HOME</c> or <c>~/.local/share</c> on Linux), or <c>GAUNTLET_HOME</c> when set.
/// </summary>
public static class GovernancePaths
{
    /// <summary>The environment variable that moves the data folder (tests and CI set it).</summary>
    public const string HomeVariable = "GAUNTLET_HOME";

    /// <summary>The data folder: <c>$GAUNTLET_HOME</c>, else <c>gauntlet</c> under the user's local application data.</summary>
    public static string DataFolder =>
        Environment.GetEnvironmentVariable(HomeVariable) is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "gauntlet");

    /// <summary>The default registry database (SQLite).</summary>
    public static string DefaultRegistry => Path.Combine(DataFolder, "registry.db");

    /// <summary>The default tamper-evident log: the registry's.</summary>
    public static string DefaultLog => Path.Combine(DataFolder, "log");
}
