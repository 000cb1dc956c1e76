using System.CommandLine;
using Spectre.Console;

namespace Gauntlet.Cli;

/// <summary>
/// The list of subcommands. Each command lives in its own file under Commands/ and exposes a
/// <c>Create(IAnsiConsole)</c> factory; adding a command is one line here.
/// </summary>
internal static class CommandRegistry
{
    public static IEnumerable<Command> Create(IAnsiConsole console)
    {
        yield return Commands.TrainCommand.Create(console);
        yield return Commands.EvalCommand.Create(console);
        yield return Commands.AttackCommand.Create(console);
        yield return Commands.MembershipCommand.Create(console);
        yield return Commands.PoisonCommand.Create(console);
        yield return Commands.BackdoorCommand.Create(console);
        yield return Commands.PrivacyBudgetCommand.Create(console);
        yield return Commands.ExtractCommand.Create(console);
        yield return Commands.InvertCommand.Create(console);
        yield return Commands.CertifyCommand.Create(console);
        yield return Commands.AuditCommand.Create(console);
        yield return Commands.DefendCommand.Create(console);
        yield return Commands.ReportCommand.Create(console);
        yield return Commands.ScanCommand.Create(console);
        yield return Commands.InfoCommand.Create(console);
        yield return Commands.InspectCommand.Create(console);
        yield return Commands.BenchCommand.Create(console);
        yield return Commands.RegistryCommand.Create(console);
        yield return Commands.LogCommand.Create(console);
        yield return Commands.ComplyCommand.Create(console);
        yield return Commands.FederatedCommand.Create(console);
        yield return Commands.FederatedClientCommand.Create(console);
        yield return Commands.FairnessCommand.Create(console);
        yield return Commands.ExplainCommand.Create(console);
        yield return Commands.DemoCommand.Create(console);
        yield return Commands.ServeCommand.Create(console);
        yield return Commands.LlmScanCommand.Create(console);
        yield return Commands.LlmTargetCommand.Create(console);
        yield return Commands.GuardCommand.Create(console);
        yield return Commands.PromptCheckCommand.Create(console);
    }
}
