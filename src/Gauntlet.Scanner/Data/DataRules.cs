namespace Gauntlet.Scanner.Data;

/// <summary>The rules of the data half of the scanner: personal data, data leakage between splits, and privacy-policy checks.</summary>
internal static class DataRules
{
    private const string PiiFix = "Remove the column, or pseudonymise it (salted hash or tokenisation) before the data is used for training; keep raw personal data out of training sets and repositories.";

    public static IReadOnlyList<ScanRule> All { get; } =
    [
        new("pii.email", "E-mail addresses in data", "A column of a data file holds e-mail addresses.", PiiFix, ["CWE-359"]),
        new("pii.phone", "Phone numbers in data", "A column holds phone numbers (E.164 or a common national format).", PiiFix, ["CWE-359"]),
        new("pii.ssn", "US Social Security numbers in data", "A column holds US SSNs that meet the validity rules (area not 000, 666 or 9xx; group not 00; serial not 0000).", PiiFix, ["CWE-359"]),
        new("pii.iban", "IBANs in data", "A column holds IBANs whose length fits their country and whose mod-97 check holds.", PiiFix, ["CWE-359"]),
        new("pii.payment-card", "Payment card numbers in data", "A column holds card numbers that pass the Luhn check and fall in a known issuer (IIN) range.", "Remove the card numbers: PCI DSS forbids storing full card numbers outside a cardholder-data environment; tokenise them.", ["CWE-359", "CWE-311"]),
        new("pii.nhs-number", "UK NHS numbers in data", "A column holds NHS numbers whose mod-11 check digit validates (health data: GDPR Art. 9).", PiiFix, ["CWE-359"]),
        new("pii.ip-address", "IP addresses in data", "A column holds IPv4 or IPv6 addresses (personal data under GDPR when they identify a device of a person).", "Truncate or hash the addresses unless they are needed.", ["CWE-359"]),
        new("pii.date-of-birth", "Dates of birth in data", "A date-of-birth column, or dates next to a person's name.", "Keep only the age band or year if the model needs it.", ["CWE-359"]),
        new("pii.person-name", "Person names in data", "A name column in a file that also holds other personal data.", PiiFix, ["CWE-359"]),
        new("data.sampled", "Data file sampled", "The file was larger than the sample size; the PII pass read a stated sample (the first part and random blocks), so counts are of the sample.", "Run with --no-sampling to read every row.", []),
        new("data.invalid-utf8", "Invalid UTF-8 in data file", "The text file has byte sequences that are not UTF-8; they were read as replacement characters.", "Re-encode the file as UTF-8.", ["CWE-20"]),
        new("data.malformed", "Malformed data file", "The data file is broken (invalid JSON, truncated archive, unreadable Parquet); what could be read was read.", "Regenerate the file from its source.", ["CWE-20"]),
        new("data.inventory", "Data file without text", "A numeric data file (IDX) that cannot hold personal data as text.", "None needed.", []),
        new("leakage.exact-duplicate", "Samples duplicated across splits", "Test samples are identical (after normalisation) to training samples, so test accuracy overstates generalisation.", "Remove the duplicates from the test split (or deduplicate before splitting).", ["CWE-1039"]),
        new("leakage.near-duplicate", "Near-duplicate samples across splits", "Test samples are near copies of training samples (perceptual hash for images confirmed by pixel distance; MinHash Jaccard for rows and text).", "Review the pairs and drop near copies from the test split; split by source (group split) rather than by sample.", ["CWE-1039"]),
        new("leakage.label", "Label leakage", "A single feature predicts the label almost perfectly on the test split from a rule learned on the training split; it likely encodes the target.", "Drop the feature, or check that it is available at prediction time and not derived from the label.", ["CWE-1039"]),
        new("leakage.distribution-shift", "Train/test distribution mismatch", "A column's distribution differs between the splits (two-sample Kolmogorov-Smirnov test, population stability index).", "Check how the splits were drawn; a shifted test split measures something other than the training distribution.", []),
        new("leakage.not-analysed", "Split not analysed", "A train or test file could not be read as samples.", "Give CSV/TSV/JSONL, IDX, NPY or PNG files (or folders of them).", []),
        new("privacy.category-not-allowed", "Personal data category not allowed by policy", "The file holds a personal-data category that the declared privacy policy does not allow (GDPR Art. 5(1)(c) data minimisation; CCPA 1798.100(c)).", "Remove the column or add the category to the policy with its purpose.", ["CWE-359"]),
        new("privacy.retention", "Data kept longer than the policy allows", "The file is older than the policy's retention period and holds personal data (GDPR Art. 5(1)(e) storage limitation; CCPA 1798.100(a)(3)).", "Delete or anonymise the file, or renew it from a fresh, consented source.", ["CWE-359"]),
        new("privacy.consent-missing", "Consent field missing", "The policy requires a consent field in files with personal data and the file has none (GDPR Art. 6(1)(a) and 7; CCPA 1798.120 opt-out).", "Add the consent column and drop rows without consent.", ["CWE-359"]),
        new("privacy.pseudonymisation", "Direct identifiers not pseudonymised", "The policy requires pseudonymisation and the file holds raw direct identifiers (GDPR Art. 25 data protection by design and Art. 32(1)(a); CCPA 1798.140(aa) deidentified).", "Replace direct identifiers with keyed hashes or tokens kept apart from the data.", ["CWE-359"]),
        new("privacy.special-category", "Special-category data", "Columns suggest GDPR Art. 9 special-category data (health, ethnicity, religion, ...) or NHS numbers, which are processed only under an Art. 9(2) condition; CCPA 'sensitive personal information' 1798.140(ae).", "Document the Art. 9(2) condition and protections, or remove the columns.", ["CWE-359"]),
    ];
}
