using System.Text;
using System.Xml;

namespace Gauntlet.Core.Text;

/// <summary>Text made safe to place in an XML 1.0 document (JUnit reports of the audit and of llm-scan).</summary>
public static class XmlSafeText
{
    /// <summary>
    /// Replaces every character XML 1.0 cannot hold at all (most control characters, lone
    /// surrogates) with U+FFFD and keeps valid surrogate pairs; escaping of <c>&lt;</c>, <c>&amp;</c>
    /// and quotes is left to the XML writer. Returns <paramref name="text"/> itself when nothing needs replacing.
    /// </summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.All(XmlConvert.IsXmlChar))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(text[i]).Append(text[i + 1]);
                i++;
            }
            else if (XmlConvert.IsXmlChar(text[i]))
            {
                builder.Append(text[i]);
            }
            else
            {
                builder.Append('\uFFFD');
            }
        }

        return builder.ToString();
    }
}
