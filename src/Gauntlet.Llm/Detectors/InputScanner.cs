using System.Globalization;

namespace Gauntlet.Llm.Detectors;

/// <summary>What an input scanner concluded about one prompt.</summary>
/// <param name="Flagged">Whether the prompt looks like an injection or jailbreak (score at or above the threshold).</param>
/// <param name="Score">0 (benign) to 1 (certainly an attack).</param>
/// <param name="Reasons">Why, in short phrases such as <c>override:ignore-previous</c> or <c>invisible-unicode:12</c>.</param>
public sealed record InputScanResult(bool Flagged, double Score, IReadOnlyList<string> Reasons);

/// <summary>
/// Checks text going into a model (user messages, documents, tool results) for prompt injection and
/// jailbreaks. The heuristic scanner here is the default; the trained classifier of
/// Gauntlet.Llm.Classifiers implements the same interface.
/// </summary>
public interface IInputScanner
{
    /// <summary>The scanner's name, written into decisions.</summary>
    string Name { get; }

    /// <summary>Scans one text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The result.</returns>
    InputScanResult Scan(string text);
}

/// <summary>
/// The heuristic input scanner: known override, persona, extraction and refusal-suppression phrasings
/// (<see cref="InjectionPhrases"/>), looked for in the text as written and after undoing obfuscation
/// (invisible characters stripped, tag characters decoded, homoglyphs and leetspeak folded, base64
/// runs and ROT13 decoded); invisible Unicode and mixed-script words count on their own. Precise on
/// the phrasings it knows, blind to paraphrases it does not — the trained classifier covers those.
/// </summary>
/// <param name="threshold">Score at which a text is flagged.</param>
public sealed class HeuristicInputScanner(double threshold = 0.5) : IInputScanner
{
    /// <summary>The score threshold.</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc />
    public string Name => "heuristic";

    /// <inheritdoc />
    public InputScanResult Scan(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reasons = new List<string>();
        var score = 0.0;

        void Add(string reason, double weight)
        {
            if (!reasons.Contains(reason))
            {
                reasons.Add(reason);
            }

            score = 1 - ((1 - score) * (1 - weight)); // independent evidence combines
        }

        var invisible = Obfuscation.CountInvisible(text);
        var hidden = Obfuscation.DecodeTags(text);
        if (hidden.Length > 0)
        {
            Add("invisible-unicode:tag-characters", 0.9);
        }
        else if (invisible >= 3)
        {
            Add("invisible-unicode:" + invisible.ToString(CultureInfo.InvariantCulture), 0.6);
        }

        var mixed = Obfuscation.CountMixedScriptWords(text);
        if (mixed >= 2)
        {
            Add("homoglyphs:mixed-script-words", 0.5);
        }

        var visible = Obfuscation.StripInvisible(text);
        var views = new List<(string Label, string Text)>
        {
            (string.Empty, visible),
            ("homoglyphs", Obfuscation.FoldHomoglyphs(visible)),
            ("leetspeak", Obfuscation.FoldLeet(visible)),
            ("rot13", Obfuscation.Rot13(visible)),
        };
        if (hidden.Length > 0)
        {
            views.Add(("tag-characters", hidden));
        }

        foreach (var decoded in Obfuscation.DecodeBase64Runs(visible))
        {
            views.Add(("base64", decoded));
        }

        foreach (var (label, view) in views)
        {
            foreach (var phrase in InjectionPhrases.Matches(view))
            {
                if (label.Length == 0)
                {
                    Add(phrase.Name, phrase.Weight);
                }
                else
                {
                    // A phrasing that only appears once decoded was hidden on purpose.
                    Add($"encoded:{label}:{phrase.Name}", Math.Max(phrase.Weight, 0.85));
                }
            }
        }

        score = Math.Round(score, 4);
        return new InputScanResult(score >= Threshold, score, reasons);
    }
}
