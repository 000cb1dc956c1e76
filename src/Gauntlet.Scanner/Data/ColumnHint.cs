namespace Gauntlet.Scanner.Data;

/// <summary>What a column's name says about its content (<c>email</c>, <c>dob</c>, <c>last_name</c>, ...).</summary>
internal enum ColumnHint
{
    None,
    Email,
    Phone,
    Ssn,
    Nhs,
    Card,
    Iban,
    Ip,
    DateOfBirth,
    Date,
    Name,
}

/// <summary>Reads column names for hints; names are compared without case, spaces, dashes or underscores.</summary>
internal static class ColumnHints
{
    private static readonly HashSet<string> NameColumns = new(StringComparer.Ordinal)
    {
        "name", "fullname", "firstname", "lastname", "surname", "givenname", "familyname", "forename", "forenames", "middlename",
        "customername", "patientname", "personname", "contactname", "employeename", "studentname", "clientname", "holdername", "cardholder", "cardholdername",
    };

    private static readonly string[] SpecialWords = ["diagnosis", "health", "religion", "religious", "ethnicity", "ethnic", "race", "sexualorientation", "sexuality", "biometric", "political", "tradeunion", "disability", "medical", "genetic", "condition"];

    /// <summary>The name lower-cased with separators removed.</summary>
    public static string Normalise(string name)
    {
        Span<char> buffer = stackalloc char[Math.Min(name.Length, 128)];
        var n = 0;
        foreach (var c in name)
        {
            if (n == buffer.Length)
            {
                break;
            }

            if (char.IsLetterOrDigit(c))
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..n]);
    }

    public static ColumnHint Of(string column)
    {
        var n = Normalise(column);
        if (n.Length == 0)
        {
            return ColumnHint.None;
        }

        if (n.Contains("email", StringComparison.Ordinal) || n is "mail" or "emailaddress")
        {
            return ColumnHint.Email;
        }

        if (n.Contains("phone", StringComparison.Ordinal) || n.Contains("mobile", StringComparison.Ordinal) || n is "tel" or "telephone" or "fax" or "cell")
        {
            return ColumnHint.Phone;
        }

        if (n.Contains("ssn", StringComparison.Ordinal) || n.Contains("socialsecurity", StringComparison.Ordinal))
        {
            return ColumnHint.Ssn;
        }

        if (n.Contains("nhs", StringComparison.Ordinal))
        {
            return ColumnHint.Nhs;
        }

        if (n.Contains("iban", StringComparison.Ordinal))
        {
            return ColumnHint.Iban;
        }

        if (n.Contains("card", StringComparison.Ordinal) && !n.Contains("holder", StringComparison.Ordinal) || n is "pan" or "ccnumber" or "cc")
        {
            return ColumnHint.Card;
        }

        if (n is "ip" or "ipaddress" or "ipaddr" or "clientip" or "sourceip" or "srcip" or "dstip" or "remoteaddr")
        {
            return ColumnHint.Ip;
        }

        if (n is "dob" or "birthday" or "born" || n.Contains("birth", StringComparison.Ordinal))
        {
            return ColumnHint.DateOfBirth;
        }

        if (NameColumns.Contains(n))
        {
            return ColumnHint.Name;
        }

        return n.Contains("date", StringComparison.Ordinal) ? ColumnHint.Date : ColumnHint.None;
    }

    /// <summary>Whether the column name suggests a GDPR Art. 9 special category (health, religion, ethnicity, ...).</summary>
    public static bool IsSpecialCategory(string column)
    {
        var n = Normalise(column);
        return SpecialWords.Any(w => n.Contains(w, StringComparison.Ordinal));
    }
}
