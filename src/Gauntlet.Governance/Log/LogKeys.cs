using System.Security.Cryptography;

namespace Gauntlet.Governance.Log;

/// <summary>
/// The log's signing keys: ECDSA P-256 from .NET's built-in cryptography, kept in PEM files the
/// user controls (PKCS#8 private key, SubjectPublicKeyInfo public key — the formats openssl reads).
/// </summary>
public static class LogKeys
{
    /// <summary>Creates a new P-256 key pair and writes the private key (mode 0600 on Unix) and the public key.</summary>
    /// <exception cref="IOException">A file already exists: keys are never overwritten.</exception>
    public static void Generate(string privateKeyPath, string publicKeyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (var path in new[] { privateKeyPath, publicKeyPath })
        {
            if (File.Exists(path))
            {
                throw new IOException($"{path}: already exists; a key is never overwritten");
            }
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(privateKeyPath, System.Text.Encoding.ASCII, options))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        }

        File.WriteAllText(publicKeyPath, key.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>Loads a private key (PKCS#8 or SEC1 EC PEM) for signing.</summary>
    /// <exception cref="InvalidDataException">The file holds no P-256 private key.</exception>
    public static ECDsa LoadPrivate(string path) => Load(path, requirePrivate: true);

    /// <summary>Loads a public key (or the public half of a private key PEM) for verifying.</summary>
    /// <exception cref="InvalidDataException">The file holds no P-256 key.</exception>
    public static ECDsa LoadPublic(string path) => Load(path, requirePrivate: false);

    /// <summary>The key's id: the first 8 bytes of SHA-256 of its SubjectPublicKeyInfo, in hex.</summary>
    public static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 8));

    private static ECDsa Load(string path, bool requirePrivate)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: key file not found", path);
        }

        var text = File.ReadAllText(path);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(text);
            if (key.KeySize != 256)
            {
                throw new InvalidDataException($"{path}: an ECDSA P-256 key is needed; this one has {key.KeySize} bits");
            }

            if (requirePrivate && !text.Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{path}: holds a public key; signing needs the private key");
            }

            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidDataException($"{path}: not an ECDSA P-256 key in PEM ({ex.Message})", ex);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
