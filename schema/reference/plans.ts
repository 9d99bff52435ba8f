/**
 * Strategic plans, validated against the schema when this module loads. Lillehammer-regionen's is
 * the adopted plan (source 002, titles verbatim); the other two are small example plans sketched
 * from their source documents.
 * Over 300 lines: data (the plans' goals and strategies, titles verbatim), not logic.
 */
import { PlanSchema, type Plan } from '../partnership.js';

type PlanInput = Omit<Plan, 'example'> & { example?: boolean };

const lillehammerRegionen: PlanInput = {
  partnership: 'lillehammer-regionen',
  title: 'Strategisk plan for næringsutvikling og bostedsattraktivitet',
  period: { from: 2025, to: 2030 },
  goals: [
    {
      code: '1',
      title:
        'Kommunene i Lillehammer-regionen skal være gode vertskommuner for næringslivet uavhengig av bransje, og samarbeid skal kjennetegne måten vi jobber på.',
      strategies: [
        {
          code: '1.1',
          title:
            'Kommunene skal være innovative, effektive og løsningsorienterte, og møte henvendelser og initiativ med rask og tydelig kommunikasjon.',
        },
        {
          code: '1.2',
          title:
            'Kommuneorganisasjonen skal ta tydelig eierskap til vertskommunerollen og skal invitere næringslivet og andre til dialog og samarbeid.',
        },
        {
          code: '1.3',
          title: 'Kommunene skal ta en koordinerende rolle for å sikre fremtidig krafttilgang for næringsutvikling.',
        },
        {
          code: '1.4',
          title:
            'Kommunene skal stimulere til at nye og eksisterende næringsarealer utnyttes effektivt og tilrettelegges for mest mulig samarbeid og synergier.',
        },
        {
          code: '1.5',
          title: 'Kommunenes innkjøp skal bidra til å skape grønne arbeidsplasser og styrke lokalt næringsliv.',
        },
        {
          code: '1.6',
          title:
            'Kommunene skal bruke sine tilskuddsordninger aktivt for å stimulere næringslivet til å ta mer bærekraftige valg.',
        },
      ],
    },
    {
      code: '2',
      title:
        'Lillehammer-regionen skal være er en magnet for kunnskaps- og teknologibedrifter og modige investeringer.',
      strategies: [
        {
          code: '2.1',
          title:
            'Vi skal, i tråd med Tech Valley-satsingen i Innlandsporteføljen, samarbeide tettere og gjennomføre flere innovasjonsprosjekter.',
        },
        {
          code: '2.2',
          title:
            'Vi skal legge til rette for større og sterkere faglige og sosiale nettverk på tvers av kunnskaps- og teknologibedriftene.',
        },
        {
          code: '2.3',
          title:
            'Vi skal være pådrivere for utvikling av attraktive lokaler for lite arealkrevende kunnskaps- og teknologibedrifter.',
        },
        {
          code: '2.4',
          title:
            'Vi skal tilrettelegge for at flere investorer får kjennskap til næringslivet i Lillehammer-regionen, og at flere velger å investere i bedrifter og utviklingsprosjekter i regionen.',
        },
        {
          code: '2.5',
          title:
            'Vi skal, i tråd med Tech Valley-satsingen i Innlandsporteføljen, profilere regionens attraktivitet for kunnskaps- og teknologibedrifter.',
        },
      ],
    },
    {
      code: '3',
      title:
        'Lillehammer-regionen skal stimulere til industriutvikling basert på regionens fortrinn. Ressurser fra landbruket skal være en drivkraft for utvikling av ny og eksisterende foredlingsindustri.',
      strategies: [
        {
          code: '3.1',
          title:
            'Vi skal stimulere til utvikling av nye produkter, tjenester eller bedrifter basert på råvarer og ressurser fra regionen.',
        },
        {
          code: '3.2',
          title:
            'Vi skal tilrettelegge for tettere samarbeid og bedre utnyttelse av bedriftenes kompetanse og ressurser i hele verdikjeden av bioøkonomien.',
        },
        {
          code: '3.3',
          title:
            'Vi skal, i tråd med Innlandsporteføljen, legge til rette for utvikling av en til to biohuber i regionen.',
        },
      ],
    },
    {
      code: '4',
      title:
        'I Lillehammer-regionen skal både privat og offentlig sektor ha tilgang til relevant arbeidskraft og flere skal delta i arbeidslivet.',
      strategies: [
        {
          code: '4.1',
          title: 'Vi skal ha oversikt over behovet for kompetanse og arbeidskraft hos lokalt arbeidsliv.',
        },
        {
          code: '4.2',
          title: 'Vi skal samarbeide om:',
          strategies: [
            { code: '4.2.1', title: 'å utvikle utdanningstilbud og FoU-samarbeid i tråd med arbeidslivets behov.' },
            { code: '4.2.2', title: 'å bli best i landet på innenforskap.' },
            {
              code: '4.2.3',
              title:
                'at ung, faglært og høyt utdannet arbeidskraft skal søke seg til og bli i arbeidslivet i Lillehammer-regionen.',
            },
          ],
        },
      ],
    },
    {
      code: '5',
      title: 'Lillehammer-regionen skal ha høy attraktivitet som bosted og reisemål.',
      strategies: [
        {
          code: '5.1',
          title:
            'Vi skal samarbeide om å videreutvikle og synliggjøre regionens varierte bostedskvaliteter og posisjonere regionen som foretrukket bosted for målgruppene:',
          strategies: [
            { code: '5.1.1', title: 'ung arbeidskraft' },
            { code: '5.1.2', title: 'teknologer' },
            {
              code: '5.1.3',
              title: 'ansatte ved Mjøssykehuset og de de andre store helseinstitusjonene i og nær vår region',
            },
          ],
        },
        {
          code: '5.2',
          title:
            'Vi skal tilby og synliggjøre gode offentlige tjenester, og tilrettelegge for attraktive boliger som oppfyller behovet til målgruppene.',
        },
        {
          code: '5.3',
          title:
            'Vi skal samarbeide om å videreutvikle Lillehammer som en dynamisk og levende by og en tydelig universitetsby.',
        },
        {
          code: '5.4',
          title:
            'Vi skal tilrettelegge for at nye og eksisterende store arrangement utvikles, og bidra til å posisjonere Lillehammer-regionen som en foregangsregion for utvikling og gjennomføring av bærekraftige arrangement.',
        },
        {
          code: '5.5',
          title:
            'Vi skal arbeide for en bærekraftig reisemålsutvikling, og det skal etableres en tydelig reisemålsledelse for regionen.',
        },
        {
          code: '5.6',
          title: 'Vi skal profilere og dra nytte av regionens gode omdømme og unike kombinasjon av by- og landliv.',
        },
      ],
    },
  ],
  indicators: [
    {
      id: 1,
      title:
        'Kommunene skal innen 2030 ha best samlet utvikling i NHOs Kommune-NM, blant kommunene i sine respektive KOSTRA-grupper, sett opp mot Kommune-NM 2024.',
      baseline: 'Kommune-NM 2024',
      target: 'Best samlet utvikling i egen KOSTRA-gruppe innen 2030',
    },
    {
      id: 2,
      title:
        'Fast, årlig tilfredshetsundersøkelse blant lokalt næringsliv, med kommunenes saksbehandlingstider innen relevante områder for næringslivet.',
      baseline: 'Nullpunkt: undersøkelsen i 2026',
      target: 'Gjennomført og publisert hvert år',
    },
    {
      id: 3,
      title: 'FoU- og innovasjonsaktiviteten i regionen: antall prosjekter og tildelinger.',
      baseline: 'Nullpunkt i 2026',
      target: 'Vesentlig økning i antall prosjekter og tildelinger innen 2030',
    },
    {
      id: 4,
      title: 'Antall sysselsatte i kunnskaps- og teknologibedriftene.',
      baseline: 'Økning på 12,6 % de siste 5 årene',
      target: '+15 % innen 2030',
    },
    {
      id: 5,
      title: 'Antall sysselsatte i foredlingsindustri innen bioøkonomien.',
      baseline: 'Økning på 2,8 % de siste 5 årene',
      target: '+5 % innen 2030',
    },
    {
      id: 6,
      title: 'Innenforskap i Lillehammer-regionen.',
      baseline: '83,6 % (2023)',
      target: 'Over 88 % innen 2030',
    },
    {
      id: 7,
      title: 'Befolkningen i alderen 20–44 år i Lillehammer-regionen.',
      baseline: 'SSBs hovedalternativ: +4,6 %',
      target: '+5 % innen 2030',
    },
    {
      id: 8,
      title: 'Indikatorer for reiselivet og fritidsboligsektoren, fastsatt gjennom Rada Reiseliv SA.',
    },
  ],
  example: false,
};

const gjovikregionen: PlanInput = {
  partnership: 'gjovikregionen',
  title: 'Eksempelplan for Gjøvikregionen (fra Gjøvikregionen Utviklings mål og strategiske hovedgrep)',
  period: { from: 2025, to: 2030 },
  example: true,
  note:
    "Example plan: goals and strategies are taken from Gjøvikregionen Utvikling's goals for 2030 and its six strategic " +
    'moves as quoted in source 001; grouping the moves under goals is example configuration, not an adopted plan.',
  goals: [
    {
      code: '1',
      title: 'En samlet og synlig region som politikere, næringsliv og innbyggere er stolte av og fremsnakker.',
      strategies: [
        {
          code: '1.1',
          title:
            'Mobilisere viktige regionale aktører i Gjøvikregionen for å formidle en felles stolt historiefortelling om styrkene til regionen.',
        },
        {
          code: '1.2',
          title: 'Gjennomføre målrettet påvirkning, kommunikasjon og markedsføring som fremmer regionen.',
        },
      ],
    },
    {
      code: '2',
      title: 'Kjent og anerkjent som en av landets fremste kunnskaps- og kompetanseregioner.',
      strategies: [
        {
          code: '2.1',
          title:
            'Koordinere og styrke programmer for tettere kobling mellom næringsliv, gründervirksomhet og studenter i regionen.',
        },
        {
          code: '2.2',
          title:
            'Styrke innsatsen for innovasjon og kommersialisering som del av samarbeidet med FoU-miljøer, akademia og bedriftene.',
        },
      ],
    },
    {
      code: '3',
      title: 'Et bredt og unikt arbeidsmarked, som gir muligheter lokalt, regionalt og internasjonalt.',
      strategies: [
        { code: '3.1', title: 'Organisere næringslivet i ett regionalt fellesskap.' },
        {
          code: '3.2',
          title:
            'Videreutvikle samarbeid mellom kommunene og næringsliv som skal tiltrekke ny næringsvirksomhet fra inn- og utland.',
        },
      ],
    },
  ],
  indicators: [{ id: 1, title: 'Næringslivets tilfredshet med kommunene (årlig undersøkelse, jf. Østre Toten 2024)' }],
};

const hamarregionen: PlanInput = {
  partnership: 'hamarregionen',
  title: 'Eksempelplan for Hamarregionen (fra Løten kommunes næringsplan 2019–2030)',
  period: { from: 2019, to: 2030 },
  example: true,
  note:
    "Example plan: goals and strategies are taken from Løten kommune's business plan 2019–2030 (source 000), whose " +
    'measures HrU carries out; it is not an adopted regional plan.',
  goals: [
    {
      code: '1',
      title: 'Kommunen og næringslivet samarbeider godt for utvikling og vekst i næringslivet.',
      strategies: [
        { code: '1.1', title: 'Være proaktive, imøtekommende, koordinerte og effektive i møte med næringslivet.' },
        { code: '1.2', title: 'Tilby møteplasser, veiledning og kompetanseutvikling for næringslivet.' },
      ],
    },
    {
      code: '2',
      title: 'Økt næringsutvikling innen turisme og opplevelsesbasert næring.',
      strategies: [
        { code: '2.1', title: 'Markedsføre regionen som reisemål for økt verdiskaping, besøk og overnattinger.' },
        { code: '2.2', title: 'Legge til rette for sykkelveger.' },
      ],
    },
    {
      code: '3',
      title: 'Vekst i antall bedrifter.',
      strategies: [
        {
          code: '3.1',
          title:
            'Legge til rette for entreprenører og gründere gjennom veiledning, etablererstøtte og etablereropplæring.',
        },
        { code: '3.2', title: 'Ha fokus på å tiltrekke nye etableringer og vekst i antall bedrifter.' },
      ],
    },
  ],
  indicators: [
    { id: 1, title: 'Antall overnattinger i Hamarregionen', baseline: '352 674 (2010)' },
    { id: 2, title: 'Antall nyetableringer i Løten', baseline: '34 (2002)' },
  ],
};

export const referencePlans: readonly Plan[] = Object.freeze(
  [lillehammerRegionen, gjovikregionen, hamarregionen].map((p) => PlanSchema.parse(p)),
);
