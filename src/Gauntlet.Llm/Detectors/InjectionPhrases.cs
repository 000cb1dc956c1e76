using System.Text.RegularExpressions;

namespace Gauntlet.Llm.Detectors;

/// <summary>Known instruction-override, jailbreak and extraction phrasings (English, Spanish, French, German, Italian, Portuguese), as patterns with a weight and a name.</summary>
public static partial class InjectionPhrases
{
    /// <summary>One phrasing.</summary>
    /// <param name="Name">A short name reported as the reason, e.g. <c>override:ignore-previous</c>.</param>
    /// <param name="Weight">How strongly it indicates an attack, 0 to 1.</param>
    /// <param name="Pattern">The pattern (case-insensitive).</param>
    public sealed record Phrase(string Name, double Weight, Regex Pattern);

    /// <summary>Every phrasing.</summary>
    public static IReadOnlyList<Phrase> All { get; } =
    [
        new("override:ignore-previous", 0.95, IgnorePrevious()),
        new("override:new-instructions", 0.7, NewInstructions()),
        new("override:multilingual", 0.95, Multilingual()),
        new("jailbreak:persona", 0.85, Persona()),
        new("jailbreak:developer-mode", 0.9, DeveloperMode()),
        new("jailbreak:no-restrictions", 0.8, NoRestrictions()),
        new("refusal-suppression", 0.75, RefusalSuppression()),
        new("extraction:system-prompt", 0.9, SystemPromptExtraction()),
        new("exfiltration:markdown-url", 0.8, ExfilInstruction()),
        new("payload-splitting", 0.7, PayloadSplitting()),
        new("encoding:decode-and-follow", 0.7, DecodeAndFollow()),
    ];

    /// <summary>The phrasings that match the text.</summary>
    /// <param name="text">The text (fold obfuscation first to catch disguised phrasings).</param>
    /// <returns>The matching phrasings.</returns>
    public static IReadOnlyList<Phrase> Matches(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. All.Where(p => p.Pattern.IsMatch(text))];
    }

    [GeneratedRegex(@"\b(?:ignore|disregard|forget|override|bypass|skip)\b[\w\s,'-]{0,30}?\b(?:previous|prior|above|earlier|preceding|all|your|system|original|initial)\b[\w\s,'-]{0,20}?\b(?:instructions?|rules|directions|guidelines|prompts?|context|constraints)\b", RegexOptions.IgnoreCase)]
    private static partial Regex IgnorePrevious();

    [GeneratedRegex(@"\b(?:new|updated|revised|real)\s+(?:system\s+)?instructions?\s*[:\-]|\b(?:from now on|henceforth)\b[^.]{0,40}\b(?:you (?:will|must)|respond|answer|obey)\b|\bend of (?:document|context|system prompt)\b", RegexOptions.IgnoreCase)]
    private static partial Regex NewInstructions();

    [GeneratedRegex(@"\bignora\b.{0,30}\binstrucciones\b|\bignore[sz]?\b.{0,30}\b(?:les |toutes )?(?:instructions|consignes)\b.{0,15}\b(?:précédentes|precedentes|antérieures)\b|\bignorier(?:e|en)?\b.{0,30}\banweisungen\b|\bignora\b.{0,30}\bistruzioni\b|\bignore\b.{0,30}\binstruções\b|\bvergiss\b.{0,30}\banweisungen\b|\boublie[sz]?\b.{0,30}\binstructions\b", RegexOptions.IgnoreCase)]
    private static partial Regex Multilingual();

    [GeneratedRegex(@"\b(?:you are|you're|act as|pretend (?:to be|you are)|role-?play as|stay in character as|from now on you are)\s+(?:now\s+)?(?:DAN|AIM|STAN|DUDE|an? (?:unfiltered|uncensored|unrestricted|evil|jailbroken)\b)|\bdo anything now\b|\bstay in character\b", RegexOptions.IgnoreCase)]
    private static partial Regex Persona();

    [GeneratedRegex(@"\b(?:developer|debug|god|sudo|maintenance|admin) mode\b", RegexOptions.IgnoreCase)]
    private static partial Regex DeveloperMode();

    [GeneratedRegex(@"\b(?:without|no|free (?:of|from)|not bound by) (?:any )?(?:restrictions|filters|limitations|rules|guidelines|content policy|ethical|safety)\b|\bjailbr(?:eak|oken)\b", RegexOptions.IgnoreCase)]
    private static partial Regex NoRestrictions();

    [GeneratedRegex(@"\b(?:do not|don't|never|must not)\s+(?:refuse|apologi[sz]e|say (?:you )?(?:can't|cannot|are unable)|add (?:any )?(?:disclaimers?|warnings?)|mention (?:policies|guidelines))\b|\bwithout (?:any )?(?:disclaimers?|warnings?|apolog(?:y|ies))\b|\bbegin (?:your (?:reply|answer|response) )?with ['""]?sure\b", RegexOptions.IgnoreCase)]
    private static partial Regex RefusalSuppression();

    [GeneratedRegex(@"\b(?:repeat|print|reveal|show|output|display|recite|tell me|what (?:are|is|were)|summari[sz]e|translate|spell out|copy)\b[\w\s,'-]{0,40}?\b(?:system prompt|initial prompt|hidden prompt|your (?:instructions|rules|prompt|guidelines|configuration)|(?:text|words|everything) (?:above|before)|instructions (?:above|you were given))\b", RegexOptions.IgnoreCase)]
    private static partial Regex SystemPromptExtraction();

    [GeneratedRegex(@"!\[[^\]]*\]\(https?://[^)\s]+(?:\?|%3F)[^)\s]*\)|\b(?:append|include|render|add|embed)\b[^.]{0,60}\b(?:image|link|url|markdown)\b[^.]{0,80}https?://", RegexOptions.IgnoreCase)]
    private static partial Regex ExfilInstruction();

    [GeneratedRegex(@"\b[a-z]\w{0,8}\s*=\s*['""][^'""]{2,}['""][\s\S]{0,200}?\b[a-z]\w{0,8}\s*=\s*['""][^'""]{2,}['""][\s\S]{0,200}?\b(?:[a-z]\w{0,8}\s*\+\s*[a-z]\w{0,8})", RegexOptions.IgnoreCase)]
    private static partial Regex PayloadSplitting();

    [GeneratedRegex(@"\b(?:decode|decipher|rot-?13|base-?64|translate from leet)\b[^.]{0,60}\b(?:follow|obey|execute|do what|carry out|answer)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DecodeAndFollow();
}
