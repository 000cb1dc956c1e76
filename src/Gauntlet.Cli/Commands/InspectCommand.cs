using System.CommandLine;
using System.Globalization;
using Gauntlet.Onnx;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet inspect MODEL</c>: summarises an ONNX model and what Gauntlet can run of it.</summary>
internal static class InspectCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new Argument<string>("model") { Description = "Path to an .onnx model file." };
        var command = new Command("inspect", "Show an ONNX model's inputs, outputs, opset, operators, parameter count and unsupported operators.")
        {
            model,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(model)!;
            var m = OnnxModel.Load(path);
            var (count, bytes) = m.ParameterStats();
            var unsupported = OnnxSession.UnsupportedOps(m);
            var inv = CultureInfo.InvariantCulture;

            console.MarkupLine($"[bold]{Markup.Escape(Path.GetFileName(path))}[/] · producer {Markup.Escape(m.ProducerName.Length == 0 ? "?" : $"{m.ProducerName} {m.ProducerVersion}".Trim())} · IR {m.IrVersion.ToString(inv)}");
            console.MarkupLine("opset: " + Markup.Escape(string.Join(", ", m.Opsets.Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)} {o.Version.ToString(inv)}"))));

            var io = new Table().AddColumns("kind", "name", "type", "shape");
            foreach (var i in m.Graph.RuntimeInputs)
            {
                io.AddRow("input", Markup.Escape(i.Name), i.ElementType.ToString(), Markup.Escape(i.ShapeText));
            }

            foreach (var o in m.Graph.Outputs)
            {
                io.AddRow("output", Markup.Escape(o.Name), o.ElementType.ToString(), Markup.Escape(o.ShapeText));
            }

            console.Write(io);

            var ops = new Table().AddColumns("operator", "count", "supported");
            foreach (var g in m.Graph.Nodes.GroupBy(n => n.Domain.Length == 0 || n.Domain == "ai.onnx" ? n.OpType : $"{n.Domain}.{n.OpType}").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            {
                ops.AddRow(Markup.Escape(g.Key), g.Count().ToString(inv), unsupported.Contains(g.Key) ? "[red]no[/]" : "yes");
            }

            console.Write(ops);
            console.MarkupLine($"nodes: {m.Graph.Nodes.Count.ToString(inv)} · parameters: {count.ToString("N0", inv)} ({FormatBytes(bytes)}) in {m.Graph.Initializers.Count.ToString(inv)} initializers");
            console.MarkupLine(unsupported.Count == 0
                ? "unsupported operators: [green]none[/]"
                : $"unsupported operators: [red]{Markup.Escape(string.Join(", ", unsupported))}[/]");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1 << 30 => (bytes / (double)(1 << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB",
        >= 1 << 20 => (bytes / (double)(1 << 20)).ToString("F2", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
