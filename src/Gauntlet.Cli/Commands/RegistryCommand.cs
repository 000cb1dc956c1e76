using System.CommandLine;
using System.Globalization;
using Gauntlet.Governance;
using Gauntlet.Governance.Registry;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// <c>gauntlet registry</c>: the model registry (docs/governance.md) — register versions, list,
/// show, alias, tag, attach reports, generate model cards, add webhooks.
/// </summary>
internal static class RegistryCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("registry", "The model registry: versions with file hashes, signature and lineage; aliases and tags; attached security results; model cards. SQLite by default, PostgreSQL with --registry.");
        command.Subcommands.Add(Register(console));
        command.Subcommands.Add(List(console));
        command.Subcommands.Add(Show(console));
        command.Subcommands.Add(Alias(console));
        command.Subcommands.Add(Tag(console));
        command.Subcommands.Add(Attach(console));
        command.Subcommands.Add(Card(console));
        command.Subcommands.Add(Webhook(console));
        return command;
    }

    /// <summary>The <c>--registry</c> option every registry-using command takes.</summary>
    internal static Option<string?> RegistryOption() => new("--registry")
    {
        Description = $"The registry: a SQLite file, or a PostgreSQL connection string (Host=…;Database=…;Username=…). Default: {GovernancePaths.DefaultRegistry} (GAUNTLET_HOME moves it).",
    };

    /// <summary>Opens the registry, with the CLI's webhook transport; registry errors become one-line user errors.</summary>
    internal static ModelRegistry Open(string? location)
    {
        var registry = Run(() => ModelRegistry.Open(location));
        registry.Webhooks = new WebhookDispatcher { Transport = new HttpWebhookTransport() };
        return registry;
    }

    /// <summary>Runs a registry call, turning its refusals into user errors (exit 2).</summary>
    internal static T Run<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (RegistryException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }
    }

    private static void ReportWebhooks(IAnsiConsole console, ModelRegistry registry)
    {
        foreach (var d in registry.Webhooks?.Deliveries.Where(d => !d.Delivered) ?? [])
        {
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]webhook not delivered:[/] {d.Url} (status {d.Status} after {d.Attempts} attempts)");
        }
    }

    private static Command Register(IAnsiConsole console)
    {
        var artifact = new Argument<string>("MODEL") { Description = "The model file (.onnx, a Gauntlet model with its manifest, any file) or a folder." };
        var name = new Option<string>("--name") { Description = "The model's name in the registry (created when new).", Required = true };
        var framework = new Option<string?>("--framework") { Description = "The framework, when the file does not say (ONNX files name their producer)." };
        var description = new Option<string?>("--description") { Description = "What the model is for." };
        var data = new Option<string[]>("--data-file") { Description = "A training data file to hash into the lineage (repeat for several).", AllowMultipleArgumentsPerToken = true };
        var parent = new Option<string?>("--parent") { Description = "The version this one derives from (NAME@VERSION)." };
        var config = new Option<string?>("--training-config") { Description = "The training configuration file (hashed; kept when under 64 KiB)." };
        var trainingLog = new Option<string?>("--training-log") { Description = "The training log (hashed; kept when under 64 KiB)." };
        var epsilon = NumericOption.OptionalDouble("--dp-epsilon", "The differential-privacy ε the model was trained with.", RealRange.Positive(double.MaxValue));
        var registry = RegistryOption();
        var command = new Command("register", "Register a new version of a model: the SHA-256 of every file, format, size, framework, input/output signature and lineage.")
        {
            artifact, name, framework, description, data, parent, config, trainingLog, epsilon, registry,
        };
        command.SetAction(parse =>
        {
            using var store = Open(parse.GetValue(registry));
            var version = Run(() => store.Register(new RegisterRequest
            {
                Name = parse.GetValue(name)!,
                ArtifactPath = parse.GetValue(artifact)!,
                Framework = parse.GetValue(framework),
                Description = parse.GetValue(description),
                DataFiles = parse.GetValue(data) ?? [],
                Parent = parse.GetValue(parent),
                TrainingConfig = parse.GetValue(config),
                TrainingLog = parse.GetValue(trainingLog),
                DpEpsilon = parse.GetValue(epsilon),
            }));
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"registered [bold]{version.Reference}[/]: {version.Format}, {version.SizeBytes} bytes, sha256 {version.Sha256}");
            ReportWebhooks(console, store);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command List(IAnsiConsole console)
    {
        var registry = RegistryOption();
        var command = new Command("list", "List the models with their latest version and aliases.") { registry };
        command.SetAction(parse =>
        {
            using var store = Open(parse.GetValue(registry));
            var table = new Table().AddColumns("model", "latest", "versions", "aliases", "description");
            foreach (var m in store.List())
            {
                table.AddRow(
                    Markup.Escape(m.Name),
                    m.LatestVersion.ToString(CultureInfo.InvariantCulture),
                    m.Versions.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", m.Aliases.Select(a => $"{a.Key}→{a.Value}"))),
                    Markup.Escape(m.Description ?? ""));
            }

            console.Write(table);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Show(IAnsiConsole console)
    {
        var reference = new Argument<string>("MODEL@VERSION") { Description = "NAME@VERSION, NAME@ALIAS, or NAME for the latest." };
        var json = new Option<string?>("--json") { Description = "Write the version (the model card's JSON) to this file; '-' writes it to standard output." };
        var registry = RegistryOption();
        var command = new Command("show", "Show one version: hashes, signature, lineage, aliases, tags and attached results.") { reference, json, registry };
        command.SetAction(parse =>
        {
            using var outputs = new CommandOutputs(parse, []);
            outputs.File("--json", parse.GetValue(json));
            using var store = Open(parse.GetValue(registry));
            var version = Run(() => store.Show(parse.GetValue(reference)!));
            if (parse.GetValue(json) is not null)
            {
                outputs.WriteText("--json", ModelCard.Json(version).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            }

            var ui = outputs.ConsoleFor(console);
            ui.WriteLine(ModelCard.Markdown(version));
            outputs.Commit();
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Alias(IAnsiConsole console)
    {
        var reference = new Argument<string>("MODEL@VERSION") { Description = "The version the alias points at." };
        var alias = new Argument<string>("ALIAS") { Description = "The alias (e.g. champion); it moves if it pointed elsewhere." };
        var registry = RegistryOption();
        var command = new Command("alias", "Point an alias of the model at a version (MLflow-style; no fixed stages).") { reference, alias, registry };
        command.SetAction(parse =>
        {
            using var store = Open(parse.GetValue(registry));
            Run(() =>
            {
                store.SetAlias(parse.GetValue(reference)!, parse.GetValue(alias)!);
                return 0;
            });
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"{parse.GetValue(alias)} → {parse.GetValue(reference)}");
            ReportWebhooks(console, store);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Tag(IAnsiConsole console)
    {
        var reference = new Argument<string>("MODEL@VERSION") { Description = "The version to tag." };
        var pair = new Argument<string>("KEY=VALUE") { Description = "The tag; KEY= (empty value) removes it." };
        var registry = RegistryOption();
        var command = new Command("tag", "Set (KEY=VALUE) or remove (KEY=) a tag on a version.") { reference, pair, registry };
        command.SetAction(parse =>
        {
            var text = parse.GetValue(pair)!;
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new UserInputException($"'{text}': expected KEY=VALUE (KEY= removes the tag)");
            }

            var (key, value) = (text[..eq], text[(eq + 1)..]);
            using var store = Open(parse.GetValue(registry));
            Run(() =>
            {
                store.SetTag(parse.GetValue(reference)!, key, value.Length == 0 ? null : value);
                return 0;
            });
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"{parse.GetValue(reference)}: {(value.Length == 0 ? "removed " + key : key + " = " + value)}");
            ReportWebhooks(console, store);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Attach(IAnsiConsole console)
    {
        var reference = new Argument<string>("MODEL@VERSION") { Description = "The version the report is about." };
        var report = new Argument<string>("REPORT") { Description = "A Gauntlet JSON report (security_audit_report.json, a scan's --json, …)." };
        var kind = new Option<string>("--kind") { Description = $"What the report is: {string.Join(", ", ModelRegistry.ResultKinds)}.", Required = true };
        kind.AcceptOnlyFromAmong([.. ModelRegistry.ResultKinds]);
        var registry = RegistryOption();
        var command = new Command("attach", "Attach a report to a version, with its score (the audit's overall score, …).") { reference, report, kind, registry };
        command.SetAction(parse =>
        {
            using var store = Open(parse.GetValue(registry));
            var attached = Run(() => store.Attach(parse.GetValue(reference)!, parse.GetValue(kind)!, parse.GetValue(report)!));
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"attached {attached.Kind} report to {parse.GetValue(reference)} (score {(attached.Score is { } s ? s.ToString("0.##", CultureInfo.InvariantCulture) : "none")})");
            ReportWebhooks(console, store);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Card(IAnsiConsole console)
    {
        var reference = new Argument<string>("MODEL@VERSION") { Description = "The version." };
        var output = new Option<string>("--out") { Description = "The folder for model_card.md and model_card.json.", Required = true };
        var registry = RegistryOption();
        var command = new Command("card", "Generate the model card (Markdown and JSON) from what the registry holds.") { reference, output, registry };
        command.SetAction(parse =>
        {
            using var outputs = new CommandOutputs(parse, []);
            var folder = outputs.Folder("--out", parse.GetValue(output), ["model_card.md", "model_card.json"])!;
            using var store = Open(parse.GetValue(registry));
            var version = Run(() => store.Show(parse.GetValue(reference)!));
            outputs.Write(Path.Combine(folder.Path, "model_card.md"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(ModelCard.Markdown(version))));
            outputs.WriteJsonFile(Path.Combine(folder.Path, "model_card.json"), ModelCard.Json(version));
            foreach (var written in outputs.Commit())
            {
                console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"wrote {written}");
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Webhook(IAnsiConsole console)
    {
        var url = new Argument<string>("URL") { Description = "Where events are POSTed." };
        var secret = new Option<string>("--secret") { Description = "The HMAC-SHA256 key; receivers check X-Gauntlet-Signature: sha256=HEX against it.", Required = true };
        var registry = RegistryOption();
        var command = new Command("webhook", "Register a webhook: every registry event is POSTed to URL, signed, retried with backoff.") { url, secret, registry };
        command.SetAction(parse =>
        {
            using var store = Open(parse.GetValue(registry));
            Run(() =>
            {
                store.AddWebhook(parse.GetValue(url)!, parse.GetValue(secret)!);
                return 0;
            });
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"webhook added: {parse.GetValue(url)}");
            return CliApp.ExitOk;
        });
        return command;
    }
}
