namespace Gauntlet.Scanner;

/// <summary>One thing the scanner found in an artifact.</summary>
/// <param name="RuleId">Stable rule identifier, for example <c>pickle.dangerous-callable</c> (see <see cref="ScanRules"/>).</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Message">One sentence a person can act on.</param>
/// <param name="Location">Where inside the artifact: the chain of containers and entries, joined with <c>!</c>.</param>
/// <param name="Offset">Byte offset within the innermost stream, where one is meaningful.</param>
public sealed record Finding(string RuleId, Severity Severity, string Message, string Location, long? Offset = null);
