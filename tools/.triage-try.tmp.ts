import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { startOn } from '../src/start.ts';
const s = await startOn(await openDatabase({ dataDir: 'memory' }), loadConfig({}));
for (const text of [
  'Askari wa trafiki kwenye barabara kuu ya Nakuru aliniomba hongo ya shilingi elfu moja ili asinipeleke mahakamani. Nilipokataa alichukua leseni yangu ya kuendesha gari.',
  'Afisa wa polisi katika kituo cha polisi cha Nakuru aliniomba shilingi elfu tano ili aandike taarifa yangu ya wizi.',
  'Afisa wa ofisi ya ardhi mjini Nakuru aliniomba shilingi elfu kumi ili aharakishe hati yangu ya kumiliki shamba.',
]) {
  const d = s.triage.decide({ text, channel: 'web', type: 'corruption_report' });
  console.log(JSON.stringify({ agency: d.agency, service: d.service }));
}
await s.close();
