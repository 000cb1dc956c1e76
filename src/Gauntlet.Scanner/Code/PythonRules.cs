using System.Text.RegularExpressions;
using Gauntlet.Scanner.Code.Python;
using Gauntlet.Scanner.Code.Secrets;

namespace Gauntlet.Scanner.Code;

/// <summary>A rule hit in Python source, before suppression and location mapping.</summary>
/// <param name="RuleId">The <c>code.*</c> rule.</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Message">One sentence; secret values masked.</param>
/// <param name="Line">1-based first line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="EndLine">Last line of the statement (suppression comments anywhere on it count).</param>
internal sealed record CodeHit(string RuleId, Severity Severity, string Message, int Line, int Column, int EndLine);

/// <summary>
/// The Python code rules, judged on a parsed <see cref="PyModule"/>: each looks at resolved callee
/// names and at what is statically known about the arguments (see docs/code-scanning.md for the
/// rule table and the exact conditions).
/// </summary>
internal static partial class PythonRules
{
    private static readonly HashSet<string> PickleLoaders =
    [
        "pickle.load", "pickle.loads", "pickle.Unpickler", "joblib.load", "dill.load", "dill.loads", "dill.Unpickler",
        "cloudpickle.load", "cloudpickle.loads", "pandas.read_pickle", "shelve.open", "jsonpickle.decode",
    ];

    private static readonly HashSet<string> SafeYamlLoaders = ["yaml.SafeLoader", "yaml.CSafeLoader", "yaml.BaseLoader", "yaml.CBaseLoader"];

    private static readonly HashSet<string> AlwaysUnsafeYaml = ["yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all"];

    private static readonly HashSet<string> ShellAlways = ["os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput", "commands.getoutput", "asyncio.create_subprocess_shell", "pty.spawn"];

    private static readonly HashSet<string> ShellOptional = ["subprocess.run", "subprocess.call", "subprocess.Popen", "subprocess.check_output", "subprocess.check_call"];

    private static readonly HashSet<string> DownloadLast =
    [
        "get", "urlopen", "urlretrieve", "download", "get_file", "download_url_to_file", "load_state_dict_from_url", "load_url",
        "read_csv", "read_json", "read_parquet", "read_table", "read_excel", "load_dataset", "request", "stream", "Request", "fetch",
    ];

    private static readonly HashSet<string> LogMethods = ["debug", "info", "warning", "warn", "error", "exception", "critical", "log"];

    private static readonly HashSet<string> LoggerObjects = ["logging", "logger", "log", "LOGGER", "LOG", "_logger", "_log", "self.logger", "self.log", "self._logger", "app.logger", "current_app.logger"];

    private static readonly HashSet<string> ServingFunctions =
    [
        "predict", "predict_proba", "predict_step", "infer", "inference", "forward", "__call__", "handle", "handler", "lambda_handler",
        "serve", "predict_fn", "input_fn", "transform_fn", "training_step", "train_step", "validation_step", "test_step", "preprocess",
    ];

    private static readonly HashSet<string> RouteDecorators = ["route", "get", "post", "put", "patch", "delete", "websocket", "api_route"];

    private static readonly HashSet<string> MetadataAttributes = ["shape", "dtype", "size", "ndim", "device", "__class__", "keys", "__len__", "name", "filename", "content_type", "method", "path", "url"];

    private static readonly HashSet<string> MetadataFunctions = ["len", "type", "id", "isinstance", "hash", "bool", "getattr", "hasattr"];

    /// <summary>Runs every rule on <paramref name="module"/>.</summary>
    public static List<CodeHit> Check(PyModule module)
    {
        var hits = new List<CodeHit>();
        foreach (var call in module.Calls)
        {
            CheckCall(module, call, hits);
        }

        foreach (var reference in module.References)
        {
            if (reference.Resolved is "ssl.CERT_NONE" or "ssl._create_unverified_context")
            {
                hits.Add(new("code.tls-verification-disabled", Severity.High, $"{reference.Resolved} switches off certificate verification", reference.Line, reference.Column, reference.Line));
            }
        }

        foreach (var assignment in module.Assignments)
        {
            var last = assignment.Target[(assignment.Target.LastIndexOf('.') + 1)..];
            if (last == "check_hostname" && assignment.Value.IsFalse)
            {
                hits.Add(new("code.tls-verification-disabled", Severity.High, "check_hostname = False switches off host name verification", assignment.Line, assignment.Column, assignment.Line));
            }

            if (last == "verify" && assignment.Value.IsFalse && assignment.Target.Contains('.', StringComparison.Ordinal))
            {
                hits.Add(new("code.tls-verification-disabled", Severity.High, $"{assignment.Target} = False switches off certificate verification for the session", assignment.Line, assignment.Column, assignment.Line));
            }

            Credential(last, assignment.Value, assignment.Line, assignment.Column, hits);
        }

        DictionaryCredentials(module, hits);
        return hits;
    }

    private static void CheckCall(PyModule module, PyCall call, List<CodeHit> hits)
    {
        var name = call.Resolved;
        var last = name[(name.LastIndexOf('.') + 1)..];
        void Hit(string rule, Severity severity, string message) => hits.Add(new(rule, severity, message, call.Line, call.Column, call.EndLine));

        if (PickleLoaders.Contains(name))
        {
            Hit("code.pickle-load", Severity.High, $"{name}() deserialises with pickle, which runs any code the data names");
        }

        if (name == "torch.load")
        {
            var weightsOnly = call.Keyword("weights_only");
            if (weightsOnly is null || !weightsOnly.Value.IsTrue)
            {
                Hit("code.torch-load", Severity.High, weightsOnly is null
                    ? "torch.load() without weights_only=True unpickles arbitrary objects (code execution on a hostile checkpoint)"
                    : "torch.load() with weights_only not the literal True unpickles arbitrary objects");
            }
        }

        if (name == "numpy.load" && call.Keyword("allow_pickle") is { } allow && allow.Value.IsTrue)
        {
            Hit("code.numpy-allow-pickle", Severity.High, "numpy.load(allow_pickle=True) unpickles object arrays, which runs code");
        }

        if (name is "yaml.load" or "yaml.load_all")
        {
            var loader = call.Argument(1, "Loader");
            if (loader is null)
            {
                Hit("code.yaml-unsafe-load", Severity.High, $"{name}() without Loader= uses the full loader on PyYAML < 6, which builds arbitrary Python objects");
            }
            else if (!(loader.Value.Kind == PyValueKind.Reference && SafeYamlLoaders.Contains(loader.Value.Name!)))
            {
                var which = loader.Value.Kind == PyValueKind.Reference ? loader.Value.Name : "a loader computed at run time";
                Hit("code.yaml-unsafe-load", Severity.High, $"{name}() with Loader={which}, not yaml.SafeLoader: the document can build arbitrary Python objects");
            }
        }

        if (AlwaysUnsafeYaml.Contains(name))
        {
            Hit("code.yaml-unsafe-load", Severity.High, $"{name}() builds arbitrary Python objects from the document");
        }

        if (name.StartsWith("keras.", StringComparison.Ordinal) && last == "load_model")
        {
            if (call.Keyword("safe_mode") is { } safe && safe.Value.IsFalse)
            {
                Hit("code.keras-unsafe-load", Severity.High, $"{name}(safe_mode=False) runs the Python code of Lambda layers in the model");
            }
            else if (call.Argument(0, "filepath") is { Value: { Kind: PyValueKind.Literal, IsString: true } path }
                && (path.Literal!.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || path.Literal.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase)))
            {
                Hit("code.keras-unsafe-load", Severity.Medium, $"{name}('{path.Literal}') loads a legacy HDF5 model, whose Lambda layers run without safe_mode protection");
            }
        }

        if (name.StartsWith("keras.", StringComparison.Ordinal) && last == "enable_unsafe_deserialization")
        {
            Hit("code.keras-unsafe-load", Severity.High, $"{name}() switches safe_mode off for every later load: Lambda layers run their code");
        }

        if (call.Keyword("trust_remote_code") is { } remote && remote.Value.IsTrue)
        {
            Hit("code.trust-remote-code", Severity.High, $"{call.Callee}(trust_remote_code=True) downloads and runs Python code from the model repository");
        }

        if (name is "eval" or "exec" && call.Argument(0) is { } code && !(code.Value.Kind == PyValueKind.Literal && code.Value.IsString))
        {
            Hit("code.eval-exec", Severity.High, $"{name}() on {Describe(code.Value)} runs whatever code that data holds");
        }

        if (ShellAlways.Contains(name) && call.Argument(0) is { } command && !command.Value.IsConstant)
        {
            Hit("code.shell-injection", Severity.High, $"{name}() runs a shell command {Describe(command.Value)}: shell metacharacters in it run commands");
        }

        if (ShellOptional.Contains(name) && call.Keyword("shell") is { } shell && shell.Value.IsTrue && call.Argument(0, "args") is { } args && !args.Value.IsConstant)
        {
            Hit("code.shell-injection", Severity.High, $"{name}(shell=True) runs a command {Describe(args.Value)} through the shell");
        }

        if (call.Keyword("verify") is { } verify && verify.Value.IsFalse)
        {
            Hit("code.tls-verification-disabled", Severity.High, $"{call.Callee}(verify=False) accepts any TLS certificate (man-in-the-middle)");
        }

        if (DownloadLast.Contains(last) && (call.Argument(0) ?? call.Keyword("url") ?? call.Keyword("origin")) is { Value: { Kind: PyValueKind.Literal, IsString: true } url }
            && PlainHttp(url.Literal!))
        {
            Hit("code.plain-http-download", Severity.Medium, $"{call.Callee}() fetches '{Truncate(url.Literal!)}' over plain HTTP: anyone on the path can replace the data or model");
        }

        Unpinned(call, name, last, Hit);
        if (call.Function is { } function && IsLogging(call, name) && IsServingCode(function))
        {
            RawInput(module, call, function, Hit);
        }

        foreach (var argument in call.Arguments)
        {
            if (argument.Keyword is { } keyword)
            {
                Credential(keyword, argument.Value, call.Line, call.Column, hits);
            }
        }
    }

    private static void Unpinned(PyCall call, string name, string last, Action<string, Severity, string> hit)
    {
        if (call.Keyword("local_files_only") is { } local && local.Value.IsTrue)
        {
            return;
        }

        var revision = call.Keyword("revision") ?? call.Keyword("commit_hash");
        var pinned = revision is not null && !(revision.Value.Kind == PyValueKind.Literal && revision.Value.Literal is "main" or "master" or "None");
        if (last == "from_pretrained" && call.Argument(0, "pretrained_model_name_or_path") is { Value: { Kind: PyValueKind.Literal, IsString: true } model } && IsHubId(model.Literal!) && !pinned)
        {
            hit("code.unpinned-download", Severity.Medium, $"{call.Callee}('{model.Literal}') downloads from the Hugging Face Hub without a pinned revision: the repository can change under you");
        }

        if (name is "huggingface_hub.hf_hub_download" or "huggingface_hub.snapshot_download" or "hf_hub_download" or "snapshot_download"
            && call.Argument(0, "repo_id") is { Value: { Kind: PyValueKind.Literal, IsString: true } repo } && !pinned)
        {
            hit("code.unpinned-download", Severity.Medium, $"{last}('{repo.Literal}') downloads without a pinned revision");
        }

        if (name is "datasets.load_dataset" && call.Argument(0, "path") is { Value: { Kind: PyValueKind.Literal, IsString: true } dataset }
            && dataset.Literal!.Contains('/', StringComparison.Ordinal) && IsHubId(dataset.Literal) && !pinned)
        {
            hit("code.unpinned-download", Severity.Medium, $"load_dataset('{dataset.Literal}') downloads a Hub dataset without a pinned revision");
        }

        if (name == "torch.hub.load"
            && !(call.Keyword("source") is { Value: { Kind: PyValueKind.Literal } source } && source.Literal == "local")
            && call.Argument(0, "repo_or_dir") is { Value: { Kind: PyValueKind.Literal, IsString: true } hub })
        {
            var colon = hub.Literal!.IndexOf(':', StringComparison.Ordinal);
            var reference = colon < 0 ? null : hub.Literal[(colon + 1)..];
            if (reference is null or "main" or "master")
            {
                hit("code.unpinned-download", Severity.Medium, $"torch.hub.load('{hub.Literal}') runs hubconf.py from a branch, not a pinned tag or commit");
            }
        }
    }

    private static readonly string[] FileExtensions = [".json", ".bin", ".pt", ".pth", ".safetensors", ".h5", ".ckpt", ".onnx", ".model", ".txt", ".yaml", ".yml", ".pkl", ".gguf", ".msgpack"];

    /// <summary>A Hugging Face Hub id (<c>org/name</c> or a bare canonical name), not a path to a local folder or file.</summary>
    private static bool IsHubId(string text) =>
        HubId().IsMatch(text) && !FileExtensions.Any(e => text.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    private static bool PlainHttp(string url)
    {
        if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return !(uri.IsLoopback || uri.Host is "0.0.0.0" or "localhost" || uri.Host.EndsWith(".local", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsLogging(PyCall call, string name)
    {
        if (name == "print")
        {
            return true;
        }

        var dot = call.Callee.LastIndexOf('.');
        return dot > 0 && LogMethods.Contains(call.Callee[(dot + 1)..]) && (LoggerObjects.Contains(call.Callee[..dot]) || name.StartsWith("logging.", StringComparison.Ordinal));
    }

    private static bool IsServingCode(PyFunction function) =>
        ServingFunctions.Contains(function.Name) || function.Decorators.Any(d => RouteDecorators.Contains(d[(d.LastIndexOf('.') + 1)..]) && d.Contains('.', StringComparison.Ordinal));

    /// <summary>Whether a log call's arguments carry one of the function's parameters itself (not its length, shape or type).</summary>
    private static void RawInput(PyModule module, PyCall call, PyFunction function, Action<string, Severity, string> hit)
    {
        if (function.Parameters.Count == 0)
        {
            return;
        }

        foreach (var argument in call.Arguments.Where(a => a.Keyword is null or "msg" or "extra"))
        {
            var raw = RawParameter(module.Tokens, argument.Value.First, argument.Value.End, function.Parameters);
            if (raw is not null)
            {
                hit("code.logs-raw-input", Severity.Medium, $"{call.Callee}() in {function.Name}() writes the raw input '{raw}' to the log; log its shape, size or a hash instead");
                return;
            }
        }
    }

    private static string? RawParameter(IReadOnlyList<PyToken> tokens, int first, int end, IReadOnlyList<string> parameters)
    {
        for (var i = first; i < end && i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == PyTokenKind.String && token.Fields is { } fields)
            {
                foreach (var (start, length) in fields)
                {
                    var expression = FieldText(tokens, token, start, length);
                    var inner = PyTokenizer.Tokenize(expression);
                    if (RawParameter(inner, 0, inner.Count, parameters) is { } found)
                    {
                        return found;
                    }
                }

                continue;
            }

            if (token.Kind != PyTokenKind.Name || !parameters.Contains(token.Text) || (i > 0 && tokens[i - 1].IsOp(".")))
            {
                continue;
            }

            var wrapped = i >= 2 && tokens[i - 1].IsOp("(") && tokens[i - 2].Kind == PyTokenKind.Name && MetadataFunctions.Contains(tokens[i - 2].Text);
            var described = i + 2 < tokens.Count && tokens[i + 1].IsOp(".") && tokens[i + 2].Kind == PyTokenKind.Name && MetadataAttributes.Contains(tokens[i + 2].Text);
            if (!wrapped && !described)
            {
                return token.Text;
            }
        }

        return null;
    }

    private static string FieldText(IReadOnlyList<PyToken> tokens, PyToken token, int start, int length)
    {
        // Field ranges are offsets in the module source; the token text starts at token.Start.
        var offset = start - token.Start;
        return offset >= 0 && offset + length <= token.Text.Length ? token.Text.Substring(offset, length) : string.Empty;
    }

    private static void Credential(string key, PyValue value, int line, int column, List<CodeHit> hits)
    {
        if (value.Kind != PyValueKind.Literal || !value.IsString || !IsCredentialName(key) || SecretDetector.IsPlaceholder(value.Literal!) || value.Literal!.Length < 3
            || SecretDetector.HasProviderSecret($"{key} = \"{value.Literal}\""))
        {
            return;
        }

        hits.Add(new("code.hardcoded-credential", Severity.High, $"hard-coded credential '{key}' = '{SecretDetector.Mask(value.Literal)}'; read it from the environment or a secret store", line, column, line));
    }

    /// <summary>Dictionary entries <c>"password": "..."</c>.</summary>
    private static void DictionaryCredentials(PyModule module, List<CodeHit> hits)
    {
        var tokens = module.Tokens;
        for (var i = 0; i + 2 < tokens.Count; i++)
        {
            if (tokens[i].Kind == PyTokenKind.String && tokens[i + 1].IsOp(":") && tokens[i + 2].Kind == PyTokenKind.String && i > 0 && (tokens[i - 1].IsOp("{") || tokens[i - 1].IsOp(",")))
            {
                var key = PyParser.StringValue(tokens[i]);
                var value = new PyValue(tokens[i + 2].Flags.HasFlag(PyStringFlags.Interpolated) ? PyValueKind.Interpolated : PyValueKind.Literal, PyParser.StringValue(tokens[i + 2]), true, null, i + 2, i + 3);
                Credential(key, value, tokens[i].Line, tokens[i].Column, hits);
            }
        }
    }

    /// <summary>Names that hold a credential: password, secret, API key, access token and their spellings.</summary>
    internal static bool IsCredentialName(string key) => CredentialName().IsMatch(key);

    private static string Describe(PyValue value) => value.Kind switch
    {
        PyValueKind.Interpolated => "built from data (an f-string, + or % formatting)",
        PyValueKind.Reference => $"from '{value.Name}', not a literal",
        _ => "computed at run time, not a literal",
    };

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..77] + "...";

    [GeneratedRegex("""^(?i:(?:[a-z0-9]+_)*(?:password|passwd|passphrase|pwd|secret|secret_key|client_secret|api_key|apikey|access_key|private_key|auth_token|access_token|api_token|bearer_token|refresh_token|hf_token|github_token)|token|db_pass)$""")]
    private static partial Regex CredentialName();

    [GeneratedRegex("""^[A-Za-z0-9][A-Za-z0-9_.\-]{0,95}(?:/[A-Za-z0-9][A-Za-z0-9_.\-]{0,95})?$""")]
    private static partial Regex HubId();
}
