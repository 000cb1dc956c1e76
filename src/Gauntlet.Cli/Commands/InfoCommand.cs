using System.CommandLine;
using System.Runtime.Intrinsics;
using Gauntlet.Tensors;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet info</c>: version, runtime and the engine's SIMD and thread settings.</summary>
internal static class InfoCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("info", "Show the version, runtime, SIMD support and thread count the engine will use.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumns("item", "value").HideHeaders();
            table.AddRow("gauntlet", CliApp.Version);
            table.AddRow("runtime", Markup.Escape(System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription));
            table.AddRow("os", Markup.Escape(System.Runtime.InteropServices.RuntimeInformation.OSDescription));
            table.AddRow("processors", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("engine threads", Parallelism.ThreadCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("Vector512", Vector512.IsHardwareAccelerated ? "yes" : "no");
            table.AddRow("Vector256", Vector256.IsHardwareAccelerated ? "yes" : "no");
            table.AddRow("Vector128", Vector128.IsHardwareAccelerated ? "yes" : "no");
            console.Write(table);
            return CliApp.ExitOk;
        });
        return command;
    }
}
