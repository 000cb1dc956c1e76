using System.Net;
using System.Net.Sockets;

namespace Gauntlet.Scanner.Data;

/// <summary>A detection in one value: the category, and whether the value's own shape proves it (strong) or only a column name does (weak).</summary>
internal readonly record struct PiiMatch(PiiCategory Category, bool Strong);

/// <summary>
/// The PII detectors: each recognises one kind of value by its shape and then validates it
/// (SSN area/group/serial, IBAN length and mod 97, card Luhn and issuer range, NHS mod 11, IP
/// parsing, calendar dates). A number that fails its check is not reported as that kind.
/// </summary>
internal static class PiiDetectors
{
    // IBAN lengths by country (SWIFT IBAN registry).
    private static readonly Dictionary<string, int> IbanLengths = new(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22, ["BH"] = 22, ["BR"] = 29,
        ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22, ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29,
        ["ES"] = 24, ["FI"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27, ["GT"] = 28,
        ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26, ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20,
        ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20, ["LV"] = 21, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19,
        ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NL"] = 18, ["NO"] = 15, ["PK"] = 24, ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29,
        ["RO"] = 24, ["RS"] = 22, ["SA"] = 24, ["SC"] = 31, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["ST"] = 25, ["SV"] = 28,
        ["TL"] = 23, ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
    };

    /// <summary>Classifies one value of a column with hint <paramref name="hint"/>; null when it is not personal data (or fails its checksum).</summary>
    public static PiiMatch? Classify(ReadOnlySpan<char> value, ColumnHint hint)
    {
        value = value.Trim();
        if (value.Length < 3 || value.Length > 4096)
        {
            return null;
        }

        // One pass for the shape: most cells (numbers, words, floats) leave here.
        int digits = 0, letters = 0, spaces = 0, at = 0, colons = 0, dots = 0, dashes = 0, slashes = 0, other = 0, plus = 0, parens = 0;
        foreach (var c in value)
        {
            if ((uint)(c - '0') <= 9) { digits++; }
            else if ((uint)((c | 0x20) - 'a') <= 'z' - 'a') { letters++; }
            else
            {
                switch (c)
                {
                    case ' ': spaces++; break;
                    case '@': at++; break;
                    case ':': colons++; break;
                    case '.': dots++; break;
                    case '-': dashes++; break;
                    case '/': slashes++; break;
                    case '+': plus++; break;
                    case '(' or ')': parens++; break;
                    default: other++; break;
                }
            }
        }

        if (spaces > 0 && value.Length > 40)
        {
            return ScanText(value);
        }

        if (at == 1 && spaces == 0)
        {
            return IsEmail(value) ? new PiiMatch(PiiCategory.Email, true) : null;
        }

        if (hint == ColumnHint.Name)
        {
            return letters > 0 && digits == 0 && at == 0 && IsName(value) ? new PiiMatch(PiiCategory.PersonName, false) : null;
        }

        if (letters >= 2 && digits >= 2 && other == 0 && at == 0 && colons == 0 && dots == 0 && dashes == 0 && value.Length >= 15 && IsUpperLetter(value[0]) && IsUpperLetter(value[1]) && char.IsAsciiDigit(value[2]))
        {
            return IsIban(value) ? new PiiMatch(PiiCategory.Iban, true) : null;
        }

        if (colons >= 2 && other == 0 && spaces == 0 && at == 0)
        {
            // IPv6 (hex groups and colons; a dotted tail for mapped IPv4). Times such as 12:30:45 do not parse.
            return IsIPv6(value) ? new PiiMatch(PiiCategory.IpAddress, true) : null;
        }

        if (letters > 0 || other > 0 || at > 0 || colons > 0)
        {
            return null;
        }

        // Only digits and - . / + ( ) space from here.
        if (dots == 3 && digits == value.Length - 3)
        {
            return IsIPv4(value) ? new PiiMatch(PiiCategory.IpAddress, true) : null;
        }

        if ((slashes == 2 || dashes == 2 || dots == 2) && digits >= 6 && digits <= 8 && value.Length <= 10 && plus == 0 && parens == 0 && spaces == 0)
        {
            if (IsDate(value, out var year))
            {
                return hint switch
                {
                    ColumnHint.DateOfBirth => new PiiMatch(PiiCategory.DateOfBirth, false),

                    // A plain date column counts only with birth-like years (13 or more years ago), and only next to a name (see InventoryBuilder).
                    ColumnHint.Date when year <= DateTime.UtcNow.Year - 13 => new PiiMatch(PiiCategory.DateOfBirth, false),
                    _ => null,
                };
            }
        }

        if (digits < 7 || digits > 19 || slashes > 0)
        {
            return null;
        }

        if (plus == 1)
        {
            return value[0] == '+' && IsE164(value, digits) ? new PiiMatch(PiiCategory.Phone, true) : null;
        }

        var plain = digits == value.Length;
        if (digits == 9 && (IsSsnShape(value) || plain && hint == ColumnHint.Ssn))
        {
            return IsValidSsn(value) ? new PiiMatch(PiiCategory.Ssn, !plain) : null;
        }

        if (hint == ColumnHint.Phone)
        {
            return digits is >= 7 and <= 15 ? new PiiMatch(PiiCategory.Phone, false) : null;
        }

        if (digits == 10 && (IsNhsShape(value) || plain && hint == ColumnHint.Nhs))
        {
            return IsValidNhs(value) ? new PiiMatch(PiiCategory.NhsNumber, !plain) : null;
        }

        if (digits >= 12 && parens == 0 && dots == 0 && (plain || IsCardGrouping(value)))
        {
            return IsValidCard(value) ? new PiiMatch(PiiCategory.PaymentCard, !plain || hint == ColumnHint.Card) : null;
        }

        if (IsNationalPhone(value, digits))
        {
            return new PiiMatch(PiiCategory.Phone, true);
        }

        return null;
    }

    /// <summary>Free text: each whitespace-separated token is classified on its own (e-mails, IPs, formatted numbers).</summary>
    private static PiiMatch? ScanText(ReadOnlySpan<char> text)
    {
        foreach (var range in text.SplitAny(" \t\r\n"))
        {
            var token = text[range].Trim("\"'<>()[],;!?");
            if (token.EndsWith('.'))
            {
                token = token[..^1];
            }

            if (token.Length is >= 7 and <= 64 && Classify(token, ColumnHint.None) is { } match && match.Category != PiiCategory.DateOfBirth)
            {
                return match;
            }
        }

        return null;
    }

    private static bool IsUpperLetter(char c) => c is >= 'A' and <= 'Z';

    /// <summary>local@domain.tld with RFC 5322 atom characters in the local part and a letter TLD of 2+ characters.</summary>
    public static bool IsEmail(ReadOnlySpan<char> value)
    {
        var atIndex = value.IndexOf('@');
        if (atIndex < 1 || atIndex > 64)
        {
            return false;
        }

        var local = value[..atIndex];
        var domain = value[(atIndex + 1)..];
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "._%+-!#$&'*/=?^`{|}~".Contains(c)))
            {
                return false;
            }
        }

        var lastDot = domain.LastIndexOf('.');
        if (lastDot < 1 || domain.Length - lastDot - 1 < 2)
        {
            return false;
        }

        foreach (var c in domain[(lastDot + 1)..])
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        foreach (var label in domain.Split('.'))
        {
            var part = domain[label];
            if (part.Length == 0 || part[0] == '-' || part[^1] == '-')
            {
                return false;
            }

            foreach (var c in part)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsName(ReadOnlySpan<char> value)
    {
        var words = 0;
        foreach (var range in value.Split(' '))
        {
            var word = value[range];
            if (word.Length == 0)
            {
                continue;
            }

            if (!char.IsLetter(word[0]))
            {
                return false;
            }

            foreach (var c in word)
            {
                if (!(char.IsLetter(c) || c is '\'' or '-' or '.'))
                {
                    return false;
                }
            }

            words++;
        }

        return words is >= 1 and <= 5;
    }

    /// <summary>IBAN: country code, check digits and BBAN (spaces allowed), length fixed per country, mod 97 = 1.</summary>
    public static bool IsIban(ReadOnlySpan<char> value)
    {
        Span<char> compact = stackalloc char[40];
        var n = 0;
        foreach (var c in value)
        {
            if (c == ' ')
            {
                continue;
            }

            if (n == compact.Length || !char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }

            compact[n++] = char.ToUpperInvariant(c);
        }

        if (n < 15 || !IbanLengths.TryGetValue(new string(compact[..2]), out var length) || length != n || !char.IsAsciiDigit(compact[2]) || !char.IsAsciiDigit(compact[3]))
        {
            return false;
        }

        var remainder = 0;
        for (var i = 0; i < n; i++)
        {
            var c = compact[(i + 4) % n];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
        }

        return remainder == 1;
    }

    private static bool IsSsnShape(ReadOnlySpan<char> v) =>
        v.Length == 11 && v[3] == '-' && v[6] == '-' || v.Length == 11 && v[3] == ' ' && v[6] == ' ';

    /// <summary>US SSN rules: area not 000, 666 or 900-999; group not 00; serial not 0000.</summary>
    public static bool IsValidSsn(ReadOnlySpan<char> value)
    {
        Span<int> d = stackalloc int[9];
        if (Digits(value, d) != 9)
        {
            return false;
        }

        var area = (d[0] * 100) + (d[1] * 10) + d[2];
        var group = (d[3] * 10) + d[4];
        var serial = (d[5] * 1000) + (d[6] * 100) + (d[7] * 10) + d[8];
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
    }

    private static bool IsNhsShape(ReadOnlySpan<char> v) =>
        v.Length == 12 && v[3] == ' ' && v[7] == ' ';

    /// <summary>NHS number: weights 10..2 on the first nine digits; check = 11 - sum mod 11 (11 → 0, 10 → invalid).</summary>
    public static bool IsValidNhs(ReadOnlySpan<char> value)
    {
        Span<int> d = stackalloc int[10];
        if (Digits(value, d) != 10)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += d[i] * (10 - i);
        }

        var check = 11 - (sum % 11);
        if (check == 11)
        {
            check = 0;
        }

        return check != 10 && check == d[9];
    }

    private static bool IsCardGrouping(ReadOnlySpan<char> v)
    {
        // 4-4-4-4(-3), 4-6-5 (Amex), 4-6-4 (Diners) with one kind of separator.
        var separator = v.IndexOfAny(' ', '-') is var i && i >= 0 ? v[i] : '\0';
        if (separator == '\0')
        {
            return false;
        }

        Span<int> lengths = stackalloc int[8];
        var groups = 0;
        foreach (var range in v.Split(separator))
        {
            if (groups == lengths.Length)
            {
                return false;
            }

            lengths[groups++] = range.GetOffsetAndLength(v.Length).Length;
        }

        var g = lengths[..groups];
        return g.Length >= 3 && g[0] == 4 && (g[1..].IndexOfAnyExcept(4, 3) < 0 || (g.Length == 3 && g[1] == 6 && g[2] is 4 or 5));
    }

    /// <summary>Payment card: 12-19 digits, Luhn check, and an issuer range whose lengths include this one.</summary>
    public static bool IsValidCard(ReadOnlySpan<char> value)
    {
        Span<int> d = stackalloc int[19];
        var n = Digits(value, d);
        if (n < 12 || n > 19)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < n; i++)
        {
            var x = d[n - 1 - i];
            if ((i & 1) == 1)
            {
                x *= 2;
                if (x > 9)
                {
                    x -= 9;
                }
            }

            sum += x;
        }

        if (sum % 10 != 0)
        {
            return false;
        }

        var p2 = (d[0] * 10) + d[1];
        var p3 = (p2 * 10) + d[2];
        var p4 = (p3 * 10) + d[3];
        var p6 = (((p4 * 10) + d[4]) * 10) + d[5];
        return (d[0] == 4 && n is 13 or 16 or 19) // Visa
            || ((p2 is >= 51 and <= 55 || p4 is >= 2221 and <= 2720) && n == 16) // Mastercard
            || (p2 is 34 or 37 && n == 15) // American Express
            || ((p4 == 6011 || p3 is >= 644 and <= 649 || p2 == 65 || p6 is >= 622126 and <= 622925) && n is >= 16 and <= 19) // Discover
            || (p4 is >= 3528 and <= 3589 && n is >= 16 and <= 19) // JCB
            || ((p3 is >= 300 and <= 305 || p2 is 36 or 38 or 39) && n is >= 14 and <= 19) // Diners Club
            || (p2 == 62 && n is >= 16 and <= 19) // UnionPay
            || ((p2 == 50 || p2 is >= 56 and <= 58 || p2 is 63 or 67) && n is >= 12 and <= 19); // Maestro
    }

    /// <summary>E.164: '+', a country code not starting with 0, 8-15 digits in all, separators only between digit groups.</summary>
    private static bool IsE164(ReadOnlySpan<char> value, int digits) =>
        digits is >= 8 and <= 15 && value.Length > 1 && value[1] is >= '1' and <= '9' && value[1..].IndexOfAnyExcept("0123456789 -.()") < 0;

    /// <summary>US (NXX) NXX-XXXX with -, . or space separators, optional 1 prefix; UK 0 + 10 digits grouped with spaces.</summary>
    private static bool IsNationalPhone(ReadOnlySpan<char> value, int digits)
    {
        if (digits == value.Length)
        {
            return false; // a bare digit string is an id as often as a phone; only a phone-named column makes it one
        }

        Span<int> d = stackalloc int[19];
        var n = Digits(value, d);
        var us = d[..n];
        if (n == 11 && d[0] == 1)
        {
            us = d[1..n];
        }

        if (us.Length == 10 && us[0] >= 2 && us[3] >= 2 && (value.StartsWith('(') || value.Count('-') == 2 || value.Count('.') == 2) && value.IndexOf(' ') is var s && (s < 0 || value[..s].EndsWith(')') || value[..s].SequenceEqual("1")))
        {
            return true;
        }

        return n == 11 && d[0] == 0 && d[1] is >= 1 and <= 9 && value.Count(' ') is 1 or 2 && value.IndexOfAnyExcept("0123456789 ") < 0;
    }

    private static bool IsIPv4(ReadOnlySpan<char> value)
    {
        var parts = 0;
        foreach (var range in value.Split('.'))
        {
            var part = value[range];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !int.TryParse(part, out var octet) || octet > 255)
            {
                return false;
            }

            parts++;
        }

        // 0.x.x.x and version-like strings such as 1.2.3.4 are still addresses; only the shape is checked.
        return parts == 4;
    }

    private static bool IsIPv6(ReadOnlySpan<char> value) =>
        value.IndexOfAnyExcept("0123456789abcdefABCDEF:.%") < 0 && IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>yyyy-mm-dd, dd/mm/yyyy, mm/dd/yyyy (also with . or -), a real calendar day between 1900 and today.</summary>
    public static bool IsDate(ReadOnlySpan<char> value, out int year)
    {
        year = 0;
        Span<int> parts = stackalloc int[3];
        Span<int> widths = stackalloc int[3];
        var count = 0;
        foreach (var range in value.SplitAny("-/."))
        {
            if (count == 3 || !int.TryParse(value[range], out parts[count]))
            {
                return false;
            }

            widths[count++] = range.GetOffsetAndLength(value.Length).Length;
        }

        if (count != 3)
        {
            return false;
        }

        int month, day;
        if (widths[0] == 4)
        {
            (year, month, day) = (parts[0], parts[1], parts[2]);
        }
        else if (widths[2] == 4)
        {
            year = parts[2];
            (day, month) = parts[1] > 12 ? (parts[1], parts[0]) : (parts[0], parts[1]);
        }
        else
        {
            return false;
        }

        return year >= 1900 && year <= DateTime.UtcNow.Year && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    private static int Digits(ReadOnlySpan<char> value, Span<int> into)
    {
        var n = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                if (n == into.Length)
                {
                    return n + 1;
                }

                into[n++] = c - '0';
            }
        }

        return n;
    }

    /// <summary>A value masked for a report: e-mail j***@e***.com, numbers with all but the last four digits starred, names and other text by initials.</summary>
    public static string Mask(ReadOnlySpan<char> value, PiiCategory category)
    {
        value = value.Trim();
        if (value.Length > 48)
        {
            value = value[..48];
        }

        switch (category)
        {
            case PiiCategory.Email:
                var at = value.IndexOf('@');
                var dot = value.LastIndexOf('.');
                return at < 1 || dot < at ? "***" : $"{value[0]}***@{value[at + 1]}***{value[dot..]}";
            case PiiCategory.PersonName:
                return string.Join(' ', value.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w[0] + "***"));
            case PiiCategory.IpAddress:
                var cut = value.IndexOfAny('.', ':');
                return cut < 0 ? "***" : value[..(cut + 1)].ToString() + "***";
            case PiiCategory.DateOfBirth:
                return new string(value.ToArray().Select(c => char.IsAsciiDigit(c) ? '*' : c).ToArray());
            default:
                var chars = value.ToArray();
                var keep = 4;
                for (var i = chars.Length - 1; i >= 0; i--)
                {
                    if (char.IsAsciiLetterOrDigit(chars[i]))
                    {
                        if (keep > 0)
                        {
                            keep--;
                        }
                        else if (!(category == PiiCategory.Iban && i < 2))
                        {
                            chars[i] = '*';
                        }
                    }
                }

                return new string(chars);
        }
    }
}
