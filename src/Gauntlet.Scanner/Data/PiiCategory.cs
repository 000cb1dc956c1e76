namespace Gauntlet.Scanner.Data;

/// <summary>A category of personal data the PII detectors recognise in a data value.</summary>
public enum PiiCategory
{
    /// <summary>An e-mail address.</summary>
    Email,

    /// <summary>A phone number: E.164 (<c>+44 20 7946 0958</c>) or a common US/UK national format.</summary>
    Phone,

    /// <summary>A US Social Security number whose area, group and serial are valid.</summary>
    Ssn,

    /// <summary>An IBAN whose length fits its country and whose mod-97 check is 1.</summary>
    Iban,

    /// <summary>A payment card number that passes the Luhn check and falls in a known issuer (IIN) range.</summary>
    PaymentCard,

    /// <summary>A UK NHS number whose mod-11 check digit validates.</summary>
    NhsNumber,

    /// <summary>An IPv4 or IPv6 address.</summary>
    IpAddress,

    /// <summary>A date of birth: a date in a DOB-like column, or a plausible birth date next to a name.</summary>
    DateOfBirth,

    /// <summary>A person's name, in a name-like column of a file that holds other personal data.</summary>
    PersonName,
}

/// <summary>Names and classes of <see cref="PiiCategory"/> values.</summary>
public static class PiiCategories
{
    /// <summary>The rule id of findings in <paramref name="category"/> (<c>pii.email</c>, ...).</summary>
    public static string RuleId(this PiiCategory category) => "pii." + Name(category);

    /// <summary>The lower-case name used in rule ids, reports and privacy policies (<c>email</c>, <c>payment-card</c>, ...).</summary>
    public static string Name(this PiiCategory category) => category switch
    {
        PiiCategory.Email => "email",
        PiiCategory.Phone => "phone",
        PiiCategory.Ssn => "ssn",
        PiiCategory.Iban => "iban",
        PiiCategory.PaymentCard => "payment-card",
        PiiCategory.NhsNumber => "nhs-number",
        PiiCategory.IpAddress => "ip-address",
        PiiCategory.DateOfBirth => "date-of-birth",
        _ => "person-name",
    };

    /// <summary>Parses a name written by <see cref="Name"/> (case-insensitive; <c>_</c> may stand for <c>-</c>); null when unknown.</summary>
    public static PiiCategory? Parse(string name)
    {
        var wanted = name.Trim().Replace('_', '-').ToLowerInvariant();
        foreach (var category in Enum.GetValues<PiiCategory>())
        {
            if (category.Name() == wanted)
            {
                return category;
            }
        }

        return null;
    }

    /// <summary>
    /// Severity of a finding: high for payment cards and national identifiers whose checksum or
    /// validity rules hold (SSN, IBAN, NHS number); medium for other personal data.
    /// </summary>
    public static Severity Severity(this PiiCategory category) =>
        category is PiiCategory.PaymentCard or PiiCategory.Ssn or PiiCategory.Iban or PiiCategory.NhsNumber ? Core.Severity.High : Core.Severity.Medium;

    /// <summary>Whether the category identifies a person directly (GDPR pseudonymisation applies); IP addresses and dates of birth are indirect.</summary>
    public static bool IsDirectIdentifier(this PiiCategory category) =>
        category is not (PiiCategory.IpAddress or PiiCategory.DateOfBirth);
}
