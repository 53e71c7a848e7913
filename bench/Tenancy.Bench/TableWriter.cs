using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tenancy.Bench;

/// <summary>
/// Writes the rows of one table as fast as the provider allows: PostgreSQL binary COPY, or one prepared
/// INSERT reused for every row inside the seeding transaction on SQLite.
/// </summary>
public abstract class TableWriter : IAsyncDisposable
{
    public long Rows { get; private set; }

    public static async Task<TableWriter> OpenAsync(DbConnection connection, DbTransaction? tx, string table, string[] columns) =>
        connection switch
        {
            NpgsqlConnection pg => new Copy(await pg.BeginBinaryImportAsync(
                $"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)")),
            SqliteConnection sqlite => new Insert(sqlite, (SqliteTransaction)tx!, table, columns),
            _ => throw new NotSupportedException(connection.GetType().Name),
        };

    public void Row(params object?[] values)
    {
        Rows++;
        Write(values);
    }

    protected abstract void Write(object?[] values);

    public abstract ValueTask DisposeAsync();

    private sealed class Copy(NpgsqlBinaryImporter importer) : TableWriter
    {
        protected override void Write(object?[] values)
        {
            importer.StartRow();
            foreach (var v in values)
            {
                if (v is null)
                {
                    importer.WriteNull();
                }
                else
                {
                    importer.Write(v);
                }
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await importer.CompleteAsync();
            await importer.DisposeAsync();
        }
    }

    private sealed class Insert : TableWriter
    {
        private readonly SqliteCommand _command;

        public Insert(SqliteConnection connection, SqliteTransaction tx, string table, string[] columns)
        {
            _command = connection.CreateCommand();
            _command.Transaction = tx;
            _command.CommandText =
                $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
            for (var i = 0; i < columns.Length; i++)
            {
                _command.Parameters.Add(new SqliteParameter($"$p{i}", null));
            }

            _command.Prepare();
        }

        protected override void Write(object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                _command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }

            _command.ExecuteNonQuery();
        }

        public override ValueTask DisposeAsync() => _command.DisposeAsync();
    }
}
