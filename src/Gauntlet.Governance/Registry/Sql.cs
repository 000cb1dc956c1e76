using System.Data.Common;
using System.Globalization;

namespace Gauntlet.Governance.Registry;

/// <summary>Small helpers for parameterised commands (never string-built values), the same on both databases.</summary>
internal static class Sql
{
    /// <summary>A command with <c>@name</c> parameters bound to <paramref name="parameters"/>.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>Runs a statement; returns the rows changed.</summary>
    public static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string, object?)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row as a whole number, or null.</summary>
    public static long? Long(DbConnection connection, DbTransaction? transaction, string sql, params (string, object?)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Every row, mapped by <paramref name="map"/>.</summary>
    public static List<T> Rows<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> map, params (string, object?)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>The column as a whole number.</summary>
    public static long Int64(this DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <summary>The column as a number, or null.</summary>
    public static double? NullableDouble(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Convert.ToDouble(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <summary>The column as text, or null.</summary>
    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
