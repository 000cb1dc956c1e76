using System.CommandLine;
using Gauntlet.Core.IO;
using Gauntlet.Data;
using Gauntlet.Models;
using Spectre.Console;

namespace Gauntlet.Cli;

/// <summary>
/// How a command handles the files it writes, the same way in every command: each output option is
/// checked by Core's <see cref="OutputPolicy"/> before the command does any work, everything it writes
/// is staged in one <see cref="OutputTransaction"/> and committed at the end (all or nothing), and
/// <c>-</c> sends a single-file output to standard output. Policy and write failures become one-line
/// user errors (exit 2).
/// </summary>
internal sealed class CommandOutputs : IDisposable
{
    private readonly OutputPolicy _policy;
    private readonly OutputTransaction _transaction = new();
    private readonly Dictionary<string, OutputTarget> _targets = new(StringComparer.Ordinal);
    private readonly List<string> _standardOutput = [];
    private readonly ParseResult _parse;

    /// <summary>Starts the outputs of a command that reads <paramref name="inputs"/> (null entries and names that are not paths are skipped).</summary>
    public CommandOutputs(ParseResult parse, IEnumerable<string?> inputs)
    {
        _parse = parse;
        _policy = new OutputPolicy(inputs.OfType<string>());
    }

    /// <summary>Whether some output goes to standard output, which then carries nothing else.</summary>
    public bool UsesStandardOutput => _targets.Values.Any(t => t.Kind == OutputKind.StandardOutput);

    /// <summary>The files a <c>--data</c>/<c>--labels</c> pair reads: nothing for 'demo', the system folder for 'fashion-mnist'.</summary>
    public static IEnumerable<string?> DataInputs(string? data, string? labels) =>
        [data switch { "demo" => null, "fashion-mnist" => FashionMnist.SystemPath, _ => data }, labels];

    /// <summary>The files a model argument reads: the model and, for a Gauntlet model, its manifest; nothing for 'demo'.</summary>
    public static IEnumerable<string?> ModelInputs(string? model) =>
        model is null || model == DemoModel.Name ? []
        : model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? [model]
        : [model, ModelFile.ManifestPath(model)];

    /// <summary>Checks an option that writes one file; null when the option was not given.</summary>
    public OutputTarget? File(string option, string? path, bool allowStandardOutput = true, bool allowDevice = true)
    {
        if (path is null)
        {
            return null;
        }

        var target = Checked(() => _policy.CheckFile(option, path, allowStandardOutput, allowDevice));
        _targets.TryAdd(option, target);
        return target;
    }

    /// <summary>Checks an option that names a folder for several files; null when the option was not given.</summary>
    public OutputTarget? Folder(string option, string? path, IReadOnlyCollection<string> fileNames, Func<string, bool>? produces = null)
    {
        if (path is null)
        {
            return null;
        }

        var target = Checked(() => _policy.CheckFolder(option, path, fileNames, produces));
        _targets.TryAdd(option, target);
        return target;
    }

    /// <summary>
    /// The console for the human-readable summary: <paramref name="console"/>, or one on standard error
    /// when an output goes to standard output, so that what a pipe receives is the document alone.
    /// </summary>
    public IAnsiConsole ConsoleFor(IAnsiConsole console) => !UsesStandardOutput ? console : AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
        Out = new AnsiConsoleOutput(_parse.InvocationConfiguration.Error),
    });

    /// <summary>Stages <paramref name="text"/> for the output checked under <paramref name="option"/>.</summary>
    public void WriteText(string option, string text)
    {
        var target = _targets[option];
        if (target.Kind == OutputKind.StandardOutput)
        {
            _standardOutput.Add(text);
            return;
        }

        Staged(() => _transaction.WriteAllText(target.Path, text));
    }

    /// <summary>Stages <paramref name="document"/> as indented JSON for the output checked under <paramref name="option"/>.</summary>
    public void WriteJson(string option, object document) => WriteText(option, JsonFile.Serialize(document));

    /// <summary>Stages indented JSON into <paramref name="path"/>, a file inside a checked folder or beside a checked file.</summary>
    public void WriteJsonFile(string path, object document) => Staged(() => _transaction.WriteAllText(path, JsonFile.Serialize(document)));

    /// <summary>Stages <paramref name="path"/> through a writer that takes a path (it may write companion files beside it).</summary>
    public void WriteWith(string path, Action<string> writeTo) => Staged(() => _transaction.WriteWith(path, writeTo));

    /// <summary>Stages <paramref name="path"/> from the bytes <paramref name="write"/> puts into the stream.</summary>
    public void Write(string path, Action<Stream> write) => Staged(() => _transaction.Write(path, write));

    /// <summary>Stages files through a library writer that takes the transaction itself.</summary>
    public void Stage(Action<OutputTransaction> stage) => Staged(() => stage(_transaction));

    /// <summary>Moves every staged file into place, then writes what goes to standard output.</summary>
    /// <returns>The files written.</returns>
    public IReadOnlyList<string> Commit()
    {
        var written = Checked(_transaction.Commit);
        foreach (var text in _standardOutput)
        {
            _parse.InvocationConfiguration.Output.Write(text); // byte for byte what the file would hold
        }

        return written;
    }

    /// <inheritdoc />
    public void Dispose() => _transaction.Dispose();

    private static void Staged(Action action) => Checked(() =>
    {
        action();
        return 0;
    });

    private static T Checked<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (OutputPathException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }
        catch (OutputWriteException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }
    }
}
