namespace Gauntlet.Defenses.Certification;

/// <summary>Progress of a certification run, reported after each sample.</summary>
/// <param name="Done">Samples certified so far.</param>
/// <param name="Total">Samples to certify.</param>
/// <param name="Last">The sample just certified.</param>
public readonly record struct CertificationProgress(int Done, int Total, CertifiedSample Last);
