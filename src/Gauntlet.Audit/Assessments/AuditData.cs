using System.Globalization;
using Gauntlet.Data;

namespace Gauntlet.Audit.Assessments;

/// <summary>
/// A declared protected attribute (<c>gauntlet audit --protected NAME</c>): its column name and,
/// per sample of <see cref="AuditContext.AllData"/> (the audited samples are its first
/// <see cref="AuditContext.Data"/>.Count), the group the sample belongs to.
/// </summary>
/// <param name="Name">The column name, e.g. <c>sex</c>.</param>
/// <param name="Groups">Per sample, the group label (the column's value as invariant text, e.g. "0", "1").</param>
public sealed record ProtectedAttribute(string Name, IReadOnlyList<string> Groups)
{
    /// <summary>The distinct groups, sorted (ordinal).</summary>
    public IReadOnlyList<string> GroupNames => [.. Groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Builds the attribute from a feature column's values (each value becomes its group's label).</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">One value per sample.</param>
    /// <returns>The attribute.</returns>
    public static ProtectedAttribute FromValues(string name, IReadOnlyList<float> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new ProtectedAttribute(name, [.. values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))]);
    }
}

/// <summary>
/// What an audit of tabular data knows beyond the records: the feature column names, their
/// constraints, and the protected attribute when one is declared. Null on
/// <see cref="AuditContext.AuditData"/> for image audits.
/// </summary>
/// <param name="FeatureNames">The feature columns, in record order.</param>
/// <param name="Schema">The constraints (<c>--schema</c>, or every column free).</param>
/// <param name="ProtectedAttribute">The protected attribute, or null when none was declared.</param>
public sealed record AuditData(IReadOnlyList<string> FeatureNames, TabularSchema Schema, ProtectedAttribute? ProtectedAttribute);
