/**
 * `npm start`: says at once that it starts, builds the application the first time (or when
 * the code changed since the last build: compiled JavaScript and prebuilt assets in dist/,
 * see scripts/build.js), then runs the compiled server. A production start on an unchanged
 * build compiles and purges nothing (ADR 0012).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildAll, distDir, isBuildCurrent } from './build.js';

process.stdout.write(`Passerelle démarre (Node.js ${process.version})…\n`);
if (!isBuildCurrent()) {
  process.stdout.write(
    'Construction de l’application (premier démarrage, ou code modifié depuis la dernière construction) :\n',
  );
  try {
    await buildAll((line) => process.stdout.write(`  ${line}\n`));
  } catch (error) {
    process.stderr.write(
      `Passerelle ne peut pas démarrer : la construction a échoué (${error instanceof Error ? error.message : error}). Lancez « npm run build » pour voir le détail.\n`,
    );
    process.exit(1);
  }
}
// The bundled server (ADR 0034); PASSERELLE_UNBUNDLED=1 runs the same compiled code module by
// module instead, for CPU profiles that name each module and package (the benchmarks' --profile).
const entry = process.env.PASSERELLE_UNBUNDLED === '1' ? 'server-modules.js' : 'server.js';
await import(pathToFileURL(path.join(distDir, entry)).href);
