namespace Gauntlet.Llm.Classifiers;

/// <summary>The verdict on one text.</summary>
/// <param name="Injection">True when <paramref name="Score"/> reaches the decision threshold.</param>
/// <param name="Score">0..1: the larger of the classifier's probability and the strongest heuristic's score.</param>
/// <param name="Reasons">Why: each heuristic that fired and the classifier when it flagged the text.</param>
public sealed record PromptCheckResult(bool Injection, double Score, IReadOnlyList<string> Reasons);

/// <summary>
/// Prompt-injection and jailbreak detection: the trained <c>prompt-injection</c> head on
/// MiniLM embeddings, combined with <see cref="InjectionHeuristics"/> where those are more
/// precise (invisible Unicode, known override phrases, encoded payloads — decoded payloads are
/// scored by the classifier too). A text longer than the encoder's 128 tokens is also scored on
/// its last 128-token window, so an injection appended to a long document is not truncated away.
/// </summary>
public sealed class PromptInjectionDetector
{
    private readonly MiniLmEncoder _encoder;
    private readonly Func<IReadOnlyList<string>, float[][]>? _embed;

    /// <summary>Creates a detector with the committed head and the shared encoder.</summary>
    public PromptInjectionDetector()
        : this(MiniLmEncoder.Shared, ClassifierHead.LoadEmbedded("prompt-injection"))
    {
    }

    /// <summary>Creates a detector from an encoder and a head.</summary>
    /// <param name="encoder">The sentence encoder.</param>
    /// <param name="head">The prompt-injection head.</param>
    /// <param name="embed">Computes embeddings in place of <paramref name="encoder"/> (e.g. through a cache); null: the encoder's <see cref="MiniLmEncoder.Embed(IReadOnlyList{string}, int, IProgress{int}?, CancellationToken)"/>.</param>
    public PromptInjectionDetector(MiniLmEncoder encoder, ClassifierHead head, Func<IReadOnlyList<string>, float[][]>? embed = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(head);
        _encoder = encoder;
        _embed = embed;
        Head = head;
    }

    /// <summary>The classifier head.</summary>
    public ClassifierHead Head { get; }

    /// <summary>The decision threshold (the head's).</summary>
    public double Threshold => Head.Threshold;

    /// <summary>Scores one text.</summary>
    /// <param name="text">The prompt.</param>
    /// <returns>The verdict.</returns>
    public PromptCheckResult Score(string text) => Score([text])[0];

    /// <summary>Scores texts in one batched encoder pass; results are in input order.</summary>
    /// <param name="texts">The prompts.</param>
    /// <param name="progress">Receives the number of encoder inputs done.</param>
    /// <param name="cancellationToken">Stops between encoder batches.</param>
    /// <returns>One verdict per text.</returns>
    public IReadOnlyList<PromptCheckResult> Score(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var heuristics = texts.Select(InjectionHeuristics.Scan).ToArray();

        // Every text, its tail window when it is longer than the encoder sees, and each decoded payload.
        var inputs = new List<string>();
        var owners = new List<(int Text, string? Payload)>();
        for (var i = 0; i < texts.Count; i++)
        {
            inputs.Add(texts[i]);
            owners.Add((i, null));
            if (_encoder.TailWindow(texts[i]) is { } tail)
            {
                inputs.Add(tail);
                owners.Add((i, "the text's last 128 tokens"));
            }

            foreach (var decoded in heuristics[i].Where(h => h.Decoded is { Length: >= 12 }).Select(h => h.Decoded!).Distinct(StringComparer.Ordinal))
            {
                inputs.Add(decoded);
                owners.Add((i, "a decoded payload"));
            }
        }

        var embeddings = _embed is not null ? _embed(inputs) : _encoder.Embed(inputs, progress: progress, cancellationToken: cancellationToken);
        var best = new double[texts.Count];
        var classifierReasons = texts.Select(_ => new List<string>()).ToArray();
        for (var k = 0; k < inputs.Count; k++)
        {
            var (i, payload) = owners[k];
            var p = Head.Probability(embeddings[k]);
            best[i] = Math.Max(best[i], p);
            if (p >= Threshold)
            {
                classifierReasons[i].Add(payload is null
                    ? $"classifier: injection/jailbreak probability {p:F2}"
                    : $"classifier on {payload}: injection/jailbreak probability {p:F2}");
            }
        }

        var results = new PromptCheckResult[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var score = Math.Max(best[i], heuristics[i].Count > 0 ? heuristics[i].Max(h => h.Score) : 0);
            var reasons = heuristics[i].Select(h => h.Reason).Concat(classifierReasons[i]).ToList();
            results[i] = new PromptCheckResult(score >= Threshold, Math.Round(score, 4), reasons);
        }

        return results;
    }
}
