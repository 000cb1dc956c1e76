using System.CommandLine;
using System.Globalization;
using Gauntlet.Governance;
using Gauntlet.Governance.Log;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// <c>gauntlet log</c>: the tamper-evident RFC 6962 log (docs/governance.md): append entries, prove
/// inclusion and consistency, sign checkpoints, verify everything with the public key alone.
/// </summary>
internal static class LogCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("log", "The tamper-evident log (RFC 6962 Merkle tree with signed checkpoints) that the registry writes its events to.");
        command.Subcommands.Add(Append(console));
        command.Subcommands.Add(Prove(console));
        command.Subcommands.Add(Consistency(console));
        command.Subcommands.Add(Checkpoint(console));
        command.Subcommands.Add(Verify(console));
        command.Subcommands.Add(Keygen(console));
        return command;
    }

    /// <summary>The <c>--log</c> option every log subcommand takes.</summary>
    internal static Option<string> LogOption() => new("--log")
    {
        Description = $"The log folder (default: the registry's, {GovernancePaths.DefaultLog}; GAUNTLET_HOME moves it).",
        DefaultValueFactory = _ => GovernancePaths.DefaultLog,
    };

    private static MerkleLog OpenExisting(string path)
    {
        if (!File.Exists(Path.Combine(path, "entries.glog")))
        {
            throw new UserInputException($"--log {path}: no log there (append an entry first)");
        }

        return OpenLog(path);
    }

    // The lock wait running out is the user's situation (another writer), not a bug: exit 2.
    private static MerkleLog OpenLog(string path)
    {
        try
        {
            return MerkleLog.Open(path);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new UserInputException($"--log {path}: {ex.Message}", ex);
        }
    }

    private static Command Append(IAnsiConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "The file whose bytes become one entry; '-' reads standard input." };
        var log = LogOption();
        var command = new Command("append", "Append the bytes of FILE (or standard input) as one entry, durable (fsync) before the command returns.") { file, log };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            byte[] bytes;
            if (path == "-")
            {
                using var input = Console.OpenStandardInput();
                using var buffer = new MemoryStream();
                input.CopyTo(buffer);
                bytes = buffer.ToArray();
            }
            else
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    throw new UserInputException($"{path}: file not found");
                }

                if (info.Length > MerkleLog.MaxEntryBytes)
                {
                    throw new UserInputException($"{path}: {info.Length} bytes; a log entry is at most {MerkleLog.MaxEntryBytes} (log a digest of a large artifact instead)");
                }

                bytes = File.ReadAllBytes(path);
            }

            using var merkle = OpenLog(parse.GetValue(log)!);
            var index = merkle.Append(bytes);
            console.MarkupLine(CultureInfo.InvariantCulture, $"appended entry [bold]{index}[/]; tree size {merkle.Size}, root {Convert.ToHexStringLower(merkle.Root())}");
            if (merkle.RepairedTailBytes > 0)
            {
                console.MarkupLine(CultureInfo.InvariantCulture, $"[yellow]repaired:[/] cut {merkle.RepairedTailBytes} bytes of an append that a crash interrupted");
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Prove(IAnsiConsole console)
    {
        var index = NumericOption.OptionalInt("--index", "The entry (zero-based).", min: 0);
        index.Required = true;
        var size = NumericOption.OptionalInt("--size", "The tree size to prove against (default: the whole log).", min: 1);
        var json = new Option<string?>("--json") { Description = "Write {tree_size, leaf_index, leaf_hash, root_hash, audit_path} (hex SHA-256) for any RFC 6962 verifier; '-' writes it to standard output." };
        var log = LogOption();
        var command = new Command("prove", "An inclusion proof (RFC 9162 §2.1.3) of one entry.") { index, size, json, log };
        command.SetAction(parse =>
        {
            using var outputs = new CommandOutputs(parse, []);
            outputs.File("--json", parse.GetValue(json));
            using var merkle = OpenExisting(parse.GetValue(log)!);
            var treeSize = parse.GetValue(size) ?? merkle.Size;
            long i = parse.GetValue(index)!.Value;
            if (treeSize < 1 || treeSize > merkle.Size || i < 0 || i >= treeSize)
            {
                throw new UserInputException($"--index {i}: not an entry of a tree of {treeSize} (the log holds {merkle.Size})");
            }

            var proof = merkle.ProveInclusion(i, treeSize);
            if (!proof.Verify())
            {
                throw new InvalidOperationException("the generated proof does not verify"); // a bug, or a log changed under us
            }

            if (parse.GetValue(json) is not null)
            {
                outputs.WriteJson("--json", proof.ToJson());
            }

            outputs.ConsoleFor(console).MarkupLine(CultureInfo.InvariantCulture, $"entry {i} in tree of {treeSize}: root {Convert.ToHexStringLower(proof.RootHash)}, {proof.AuditPath.Count} hashes in the path (verified)");
            outputs.Commit();
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Consistency(IAnsiConsole console)
    {
        var from = NumericOption.OptionalInt("--from", "The older tree size.", min: 1);
        from.Required = true;
        var to = NumericOption.OptionalInt("--to", "The newer tree size (default: the whole log).", min: 1);
        var json = new Option<string?>("--json") { Description = "Write {first_size, second_size, first_root, second_root, proof} (hex); '-' writes it to standard output." };
        var log = LogOption();
        var command = new Command("consistency", "A consistency proof (RFC 9162 §2.1.4): the log at --to extends the log at --from.") { from, to, json, log };
        command.SetAction(parse =>
        {
            using var outputs = new CommandOutputs(parse, []);
            outputs.File("--json", parse.GetValue(json));
            using var merkle = OpenExisting(parse.GetValue(log)!);
            long first = parse.GetValue(from)!.Value;
            var second = parse.GetValue(to) ?? merkle.Size;
            if (first < 1 || first > second || second > merkle.Size)
            {
                throw new UserInputException($"--from {first} --to {second}: need 1 ≤ from ≤ to ≤ {merkle.Size} (the log's size)");
            }

            var proof = merkle.ProveConsistency(first, second);
            if (!proof.Verify())
            {
                throw new InvalidOperationException("the generated proof does not verify");
            }

            if (parse.GetValue(json) is not null)
            {
                outputs.WriteJson("--json", proof.ToJson());
            }

            outputs.ConsoleFor(console).MarkupLine(CultureInfo.InvariantCulture, $"tree {first} → {second}: {proof.Proof.Count} hashes (verified); roots {Convert.ToHexStringLower(proof.FirstRoot)} → {Convert.ToHexStringLower(proof.SecondRoot)}");
            outputs.Commit();
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Checkpoint(IAnsiConsole console)
    {
        var key = new Option<string>("--key") { Description = "The log's private key (PEM, ECDSA P-256; make one with 'gauntlet log keygen').", Required = true };
        var origin = new Option<string?>("--origin") { Description = "The log's name in the signed statement (default: the folder's name)." };
        var output = new Option<string?>("--out") { Description = "Also write the signed tree head (JSON) here; '-' writes it to standard output." };
        var log = LogOption();
        var command = new Command("checkpoint", "Sign the current tree head with the log's key and append it to the log's checkpoints.") { key, origin, output, log };
        command.SetAction(parse =>
        {
            using var outputs = new CommandOutputs(parse, [parse.GetValue(key)]);
            outputs.File("--out", parse.GetValue(output));
            using var signer = LogKeys.LoadPrivate(parse.GetValue(key)!);
            using var merkle = OpenExisting(parse.GetValue(log)!);
            var head = merkle.Checkpoint(signer, parse.GetValue(origin));
            if (parse.GetValue(output) is not null)
            {
                outputs.WriteText("--out", head.ToJson() + "\n");
            }

            outputs.ConsoleFor(console).MarkupLine(CultureInfo.InvariantCulture, $"checkpoint: size {head.TreeSize}, root {Convert.ToHexStringLower(head.RootHash)}, key {head.KeyId}");
            outputs.Commit();
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Verify(IAnsiConsole console)
    {
        var publicKey = new Option<string?>("--public-key") { Description = "The log's public key (PEM): every checkpoint's signature is checked. Without it only hashes and roots are." };
        var log = LogOption();
        var command = new Command("verify", "Check every entry, cached hash and checkpoint of the log from its bytes; exit 1 when anything was changed.") { publicKey, log };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(log)!;
            if (!File.Exists(Path.Combine(folder, "entries.glog")))
            {
                throw new UserInputException($"--log {folder}: no log there");
            }

            using var key = parse.GetValue(publicKey) is { } keyPath ? LogKeys.LoadPublic(keyPath) : null;
            var result = LogVerifier.Verify(folder, key);
            foreach (var problem in result.Problems)
            {
                console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]tampered:[/] {problem}");
            }

            var signatures = result.SignaturesChecked ? "signatures checked" : "signatures NOT checked (no --public-key)";
            console.Markup(result.Ok ? "[green]verified[/]" : "[red]FAILED[/]");
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $": {result.Entries} entries, root {Convert.ToHexStringLower(result.RootHash)}, {result.CheckpointsVerified} checkpoints verified, {signatures}");
            return result.Ok ? CliApp.ExitOk : CliApp.ExitFindings;
        });
        return command;
    }

    private static Command Keygen(IAnsiConsole console)
    {
        var privateKey = new Option<string>("--private") { Description = "Where to write the private key (PEM, mode 0600); never overwritten.", Required = true };
        var publicKey = new Option<string>("--public") { Description = "Where to write the public key (PEM), the one verifiers need.", Required = true };
        var command = new Command("keygen", "Create an ECDSA P-256 key pair for signing the log's checkpoints.") { privateKey, publicKey };
        command.SetAction(parse =>
        {
            try
            {
                LogKeys.Generate(parse.GetValue(privateKey)!, parse.GetValue(publicKey)!);
            }
            catch (IOException ex)
            {
                throw new UserInputException(ex.Message, ex);
            }

            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"wrote {parse.GetValue(privateKey)} (private) and {parse.GetValue(publicKey)} (public)");
            return CliApp.ExitOk;
        });
        return command;
    }
}
