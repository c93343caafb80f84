# -*- coding: utf-8 -*-
"""Source of the news_eval_de question set (hand-written).

Helpers:
  S(row, kind, question, aliases)                         single answerable question
  T(row, kind, question, group1, group2)                  two_part question
  F(row, kind, hist_q, hist_a, followup, standalone, aliases)   followup question
  U(row, kind, question, why, keywords)                   unanswerable near miss (about=row)
"""
Q = []

def S(row, kind, q, aliases):
    Q.append(dict(type="single", kind=kind, question=q, answerable=True,
                  answers=[list(aliases)], sources=["gnad_%04d.txt" % row], _row=row))

def T(row, kind, q, g1, g2):
    Q.append(dict(type="two_part", kind=kind, question=q, answerable=True,
                  answers=[list(g1), list(g2)], sources=["gnad_%04d.txt" % row], _row=row))

def F(row, kind, hq, ha, q, standalone, aliases):
    Q.append(dict(type="followup", kind=kind,
                  history=[{"role": "user", "content": hq}, {"role": "assistant", "content": ha}],
                  question=q, standalone=standalone, answerable=True,
                  answers=[list(aliases)], sources=["gnad_%04d.txt" % row], _row=row))

def U(row, kind, q, why, keywords):
    Q.append(dict(type="single", kind=kind, question=q, answerable=False, answers=[], sources=[],
                  about="gnad_%04d.txt" % row, why=why, _row=row, _keywords=list(keywords)))

# ---------------------------------------------------------------- International
S(80, "wer", "Wer hat die Handgranate bei der Flüchtlingsunterkunft in Villingen-Schwenningen entdeckt?",
  ["Mitarbeiter eines Wachdienstes", "Wachdienstes"])
F(80, "wie viele", "Wie viele Angriffe auf Flüchtlingsheime zählte das BKA im Jahr 2014?",
  "Laut BKA gab es 2014 insgesamt 199 Attacken auf Flüchtlingsheime.",
  "Und wie viele Brandstiftungen waren damals darunter?",
  "Wie viele Brandstiftungen an Flüchtlingsheimen zählte das BKA im Jahr 2014?", ["sechs"])
U(80, "wer", "Wer wurde als Täter des Handgranatenanschlags von Villingen-Schwenningen festgenommen?",
  "Der Artikel nennt keine Täter und keine Festnahme, nur die gebildete Soko Container.",
  ["festgenommen", "Festnahme", "Täter", "Villingen"])

S(89, "warum", "Warum will Belgrad laut serbischen Regierungskreisen keinen Kandidaten aus der Region für den UNO-Chefposten unterstützen?",
  ["Aufnahme des Kosovo in die Uno", "Kosovo"])
U(89, "wie viele", "Wie viele Stimmen erhielt Vuk Jeremic bei seiner Wahl zum Präsidenten der UNO-Vollversammlung?",
  "Der Artikel nennt Jeremics Amtszeit als Vorsitzender der UNO-Vollversammlung, aber kein Wahlergebnis.",
  ["Jeremic", "Stimmen", "Vollversammlung"])

S(129, "wie viele", "Wie viele Soldaten starben beim Selbstmordanschlag auf die Militärbusse in Ankara?",
  ["27 Soldaten", "27"])
T(129, "wer+wo", "Wer war laut der türkischen Regierung der Attentäter von Ankara, und aus welcher syrischen Stadt kam er?",
  ["Saleh Najar", "Najar"], ["Amude"])
U(129, "wer", "Wie hieß die junge Fernsehreporterin, die beim Anschlag in Ankara getötet wurde?",
  "Die Reporterin wird nur als junge Reporterin eines kleinen Fernsehsenders erwähnt, ohne Namen.",
  ["Reporterin", "Fernsehsender", "Zivilistin"])

S(175, "was", "Welchen Tarnnamen soll Lech Wałęsa als Informant des kommunistischen Geheimdienstes benutzt haben?",
  ["Bolek"])
F(175, "wann", "Von wann bis wann war Lech Wałęsa Präsident Polens?",
  "Wałęsa war von 1990 bis 1995 der erste demokratisch gewählte Präsident Polens.",
  "In welchem Jahr wurde er vor Gericht vom Spitzelvorwurf freigesprochen?",
  "In welchem Jahr sprach ein Gericht Lech Wałęsa vom Vorwurf der Spitzeltätigkeit frei?",
  ["Im Jahr 2000", "2000"])
U(175, "wann", "In welchem Jahr erhielt Lech Wałęsa den Friedensnobelpreis?",
  "Wałęsa wird nur als Friedensnobelpreisträger bezeichnet, das Jahr der Verleihung fehlt.",
  ["Friedensnobelpreis", "Nobelpreis", "1983"])

S(180, "welche", "Für welche Partei kandidiert der Komiker Jimmy Morales in Guatemala?", ["FCN-Nación"])
T(180, "wer+wann", "Gegen wen tritt Jimmy Morales in der Stichwahl an, und wann findet sie statt?",
  ["Manuel Baldizón", "Baldizón"], ["25. Oktober"])
F(180, "wer", "Mit welcher Comedy-Serie wurde Jimmy Morales in Guatemala bekannt?",
  "Bekannt wurde er mit der Comedy-Serie Moralejas.",
  "Mit wem steht er darin gemeinsam vor der Kamera?",
  "Mit wem tritt Jimmy Morales in der Comedy-Serie Moralejas auf?",
  ["seinem Bruder Sammy", "Sammy"])

S(187, "wann", "Ab welchem Datum hat die Slowakei den EU-Ratsvorsitz inne?", ["1. Juli"])
U(187, "wie viele", "Wie viele Flüchtlinge hat die Slowakei bisher aufgenommen?",
  "Der Artikel sagt nur, die Slowakei habe kaum Schutzsuchende aufgenommen, ohne Zahl.",
  ["Slowakei", "aufgenommen", "Schutzsuchende"])

T(207, "wer+wie", "Wen heiratete Harriet Tubman 1869 in zweiter Ehe, und wie hieß das Kind, das sie adoptierte?",
  ["Nelson Davis"], ["Gertie"])
F(207, "wann", "Unter welchem Namen kam Harriet Tubman zur Welt?",
  "Sie wurde als Araminta Ross im Bundesstaat Maryland geboren.",
  "Und in welchem Jahr ist sie gestorben?",
  "In welchem Jahr starb Harriet Tubman?", ["1913"])
U(207, "wann", "Ab welchem Jahr soll der neue Zwanzig-Dollar-Schein mit Harriet Tubman in Umlauf kommen?",
  "Der Artikel sagt nur 'demnächst', ein Jahr der Einführung wird nicht genannt.",
  ["Tubman", "Umlauf", "Zwanzig", "20-Dollar"])

S(259, "wie viele", "Wie viele Rechnungen für fiktive Dienstleistungen soll Rumäniens Premier Ponta ausgestellt haben?",
  ["17 Rechnungen", "17"])
U(259, "seit wann", "Seit wann ist Victor Ponta Regierungschef Rumäniens?",
  "Der Artikel nennt Ponta als amtierenden Premier, aber nicht seinen Amtsantritt.",
  ["Ponta", "Premier", "seit"])

S(267, "wann", "In welchem Jahr war Boutros Boutros-Ghali als Redner vor einer Sitzung des österreichischen Parlaments eingeladen?",
  ["1993"])
F(267, "wer", "Welchen Posten hatte Ban Ki-moon in den 1990er-Jahren in Wien?",
  "Damals war er südkoreanischer Botschafter in Österreich.",
  "Wen nannte er in seiner Rede im Nationalrat seinen Ratgeber?",
  "Wen bezeichnete Ban Ki-moon in seiner Rede im Nationalrat als seinen Ratgeber und Freund?",
  ["Heinz Fischer", "Fischer"])
U(267, "wie lange", "Wie lange dauerte die Rede von Ban Ki-moon vor dem Nationalrat?",
  "Die Dauer der Rede wird nicht angegeben.",
  ["Ban", "Minuten", "dauerte"])

S(314, "wer", "Welche Anwältin vertritt den tschechischen Islamgegner Martin Konvička?",
  ["Klára Samková", "Samková"])
U(314, "wie viele", "Wie viele Menschen nahmen an der Kundgebung des Blocks gegen den Islam teil, bei der Präsident Zeman sprach?",
  "Der Artikel erwähnt Zemans Auftritt, aber keine Teilnehmerzahl.",
  ["Zeman", "Teilnehmer", "Kundgebung", "Demonstration"])

S(424, "wie viel", "Wie viel will das Außenministerium durch die Botschaftsschließungen bis 2019 einsparen?",
  ["39  Millionen Euro", "39 Millionen Euro"])
T(424, "wann+welche", "Bis wann werden die österreichischen Botschaften im Baltikum geschlossen, und welches Land ersetzt Venezuela als Botschaftsstandort?",
  ["bis Herbst 2018", "Herbst 2018"], ["Kolumbien"])
U(424, "wie viele", "Wie viele Mitarbeiter sind von der Schließung der österreichischen Botschaften im Baltikum betroffen?",
  "Der Artikel nennt Einsparungen und Standorte, aber keine Mitarbeiterzahlen.",
  ["Botschaft", "Mitarbeiter", "Bedienstete"])

S(540, "wie viele", "Wie viele der 350 Sitze errang Rajoys Volkspartei bei der spanischen Parlamentswahl?", ["119"])
S(540, "wer", "Wen hat Spaniens König Felipe VI. beauftragt, eine Regierung zu bilden?",
  ["Pedro Sanchez", "Sanchez"])
F(540, "wie viele", "Wann hat Spanien zuletzt ein neues Parlament gewählt?",
  "Die Parlamentswahl fand am 20. Dezember statt.",
  "Wie viele Mandate holte Podemos dabei?",
  "Wie viele Mandate gewann Podemos bei der spanischen Parlamentswahl am 20. Dezember?", ["65"])

S(576, "wo", "In welcher Provinz hat die türkische Justiz das Verfahren gegen HDP-Chef Demirtaş eröffnet?",
  ["Diyarbakır"])
T(576, "wie lange+wer", "Welche Höchststrafe droht Selahattin Demirtaş bei einem Prozess, und wer ist seine Ko-Vorsitzende an der HDP-Spitze?",
  ["bis zu 24 Jahre Haft", "24 Jahre"], ["Figen Yüksekdag", "Yüksekdag"])
U(576, "wann", "Wann soll der Prozess gegen HDP-Chef Demirtaş beginnen?",
  "Ein Prozess ist nur möglich ('Sollte es zu einem Prozess kommen'), ein Termin wird nicht genannt.",
  ["Demirta", "Prozess", "Anklage"])

S(580, "wer", "Wer wird in der neuen türkischen Regierung EU-Minister anstelle von Volkan Bozkır?",
  ["Ömer Çelik", "Çelik"])
U(580, "wie viele", "Wie viele Minister umfasst das neue Kabinett von Binali Yıldırım?",
  "Der Artikel nennt einzelne Minister, aber nicht die Größe des Kabinetts.",
  ["Yıldırım", "Minister", "Kabinett"])

# ---------------------------------------------------------------- Web
S(78, "welche", "Welches Auto hat der Hacker George Hotz in seiner Garage zum selbstfahrenden Wagen umgebaut?",
  ["Acura ILX"])
T(78, "was+wie viel", "Wie heißt das Start-up von George Hotz, und wie viel soll ein Selbstfahr-Upgrade für bestehende Autos kosten?",
  ["comma.ai"], ["1.000 US-Dollar"])
U(78, "wie viel", "Wie viel Geld hat George Hotz in die Entwicklung seines selbstfahrenden Autos gesteckt?",
  "Kosten oder Investitionen des Hotz-Projekts werden nicht genannt (nur der geplante Upgrade-Preis).",
  ["Hotz", "investiert", "gekostet", "Kosten"])

S(84, "wann", "An welchem Tag wollte die EU-Kommission ihre Pläne zum Urheberrecht auf Hyperlinks bekanntgeben?",
  ["9. Dezember", "9.Dez"])
U(84, "wie viel", "Wie viel haben die deutschen Verlage bisher durch das Leistungsschutzrecht von Google eingenommen?",
  "Das Leistungsschutzrecht wird als Reinfall beschrieben, Einnahmen werden nicht beziffert.",
  ["Leistungsschutzrecht", "eingenommen", "Einnahmen"])

S(100, "wie viel", "Wie viel verlangt Apple für die neue Akkuhülle der iPhones 6 und 6s?", ["119 Euro"])
F(100, "wo", "Wie lange hält der Akku des Apple Pencil?",
  "Die Akkulaufzeit des Apple Pencil beträgt 12 Stunden.",
  "Und wo sitzt bei ihm der Ladeanschluss?",
  "Wo befindet sich beim Apple Pencil der Lightning-Anschluss zum Aufladen?",
  ["Am hinteren Ende", "hinteren Ende"])
U(100, "wie viel", "Wie viel kostet der Apple Pencil für das iPad Pro?",
  "Preise werden nur für die Akkuhülle genannt, nicht für den Stift.",
  ["Pencil", "Stift", "kostet"])

S(163, "wer", "Welchem Sicherheitsforscher gelang es, die Hello Barbie zu hacken?",
  ["Matt Jakubowski", "Jakubowski"])
U(163, "wie viel", "Zu welchem Preis verkauft Mattel die Hello Barbie?",
  "Der Preis der Puppe wird nicht genannt.",
  ["Barbie", "Preis", "Dollar", "Euro"])

T(192, "wie viele+wie viel", "Wie viele Memristoren stecken im Chip von Knowm, und was kostet er in Dollar?",
  ["acht Memristoren", "acht"], ["220 Dollar"])
S(192, "wann", "In welchem Jahr stellte Donald Hebb seine Lernregel auf?", ["1949"])
U(192, "wer", "Wie heißt der Chef des Start-ups Knowm?",
  "Der Chef wird nur als früherer DARPA-Forscher beschrieben, nicht namentlich.",
  ["Knowm", "Chef", "DARPA"])

S(218, "wie viel", "Wie groß ist die Speicherkapazität von Samsungs SSD PM1633a?", ["15,36 Terabytes", "15,36"])
F(218, "wie viele", "Für wen ist Samsungs SSD PM1633a gedacht?",
  "Sie richtet sich etwa an Betreiber von Datenzentren.",
  "Wie viele IOPS schafft sie beim Lesen?",
  "Wie viele IOPS erreicht Samsungs SSD PM1633a beim Lesezugriff?",
  ["bis zu 200.000 IOPS", "200.000"])
U(218, "wann", "Wann bringt Samsung die kleineren Varianten der SSD PM1633a auf den Markt?",
  "Kleinere Varianten sind geplant, ein Termin wird nicht genannt.",
  ["PM1633a", "Varianten", "Markt"])

S(280, "wer", "Wer leitet das Österreich-Geschäft des Netzwerkausrüsters ZTE?", ["Alexander Schuster", "Schuster"])
U(280, "welche", "Welche Frequenzen sollen in Österreich für 5G vergeben werden?",
  "Frequenzen oder eine Vergabe werden im Artikel nicht erwähnt.",
  ["5G", "Frequenz"])

S(389, "wie viel", "Auf wie viel will United Internet die Dividende je Aktie erhöhen?", ["70 Cent je Aktie", "70 Cent"])
F(389, "wie viel", "Wo hat der Internetdienstleister United Internet seinen Sitz?",
  "United Internet sitzt in Montabaur.",
  "Wie viel Prozent der Anteile hält dessen Vorstandschef?",
  "Wie viel Prozent der Anteile an United Internet hält Vorstandschef Ralph Dommermuth?",
  ["rund 40 Prozent", "40 Prozent"])
U(389, "wie viele", "Wie viele Mitarbeiter beschäftigt United Internet?",
  "Der Artikel nennt Umsatz, Gewinn und Kunden, aber keine Mitarbeiterzahl.",
  ["United Internet", "Mitarbeiter", "Beschäftigte"])

S(441, "wo", "An welcher Hochschule wird das Mikroblasen-Display für Blinde entwickelt?", ["University of Michigan"])
U(441, "wer", "Wer leitet das Forscherteam, das den Braille-Bildschirm mit Mikroblasen entwickelt?",
  "Es werden nur 'Wissenschaftler der University of Michigan' genannt, kein Leiter.",
  ["Braille", "Michigan", "leitet"])

S(448, "wie viele", "Wie viele Github-Accounts werteten die Forscher für ihre Sexismus-Studie aus?",
  ["mehr als vier Millionen", "vier Millionen"])
T(448, "wie viel+wie viel", "Bei wie viel Prozent der Programmiererinnen wurden sämtliche Vorschläge übernommen, und wie hoch lag diese Quote bei den Männern?",
  ["25 Prozent"], ["13 Prozent"])
U(448, "welche", "In welcher Fachzeitschrift erschien die Github-Studie zur Benachteiligung von Frauen?",
  "Die Studie wurde laut Artikel noch keinem Peer-Review unterzogen; eine Zeitschrift wird nicht genannt.",
  ["Github", "Fachzeitschrift", "Journal", "veröffentlicht"])

S(501, "wann", "Wann rollten die ersten fertigen Tesla Model X aus der Fabrik?", ["Im September 2015", "September 2015"])
U(501, "wie viel", "Wie viel kostet ein Tesla Model X?",
  "Ein Preis des Model X wird nicht genannt.",
  ["Model X", "kostet", "Preis", "Dollar"])

S(548, "wie viel", "Wie viel Geld sammelte Spotify in seiner jüngsten Finanzierungsrunde ein?",
  ["526 Millionen Dollar", "468 Millionen Euro"])
F(548, "wie viel", "Welcher Telekomkonzern hat in Spotify investiert?",
  "Telia Sonera hat 115 Millionen Dollar in Spotify gesteckt.",
  "Welchen Anteil bekam er dafür?",
  "Welchen Anteil an Spotify erhielt Telia Sonera für seine Investition?", ["1,4 Prozent"])

S(581, "wer", "Welcher Minister kündigte beim Forum Alpbach Teststrecken für autonome Autos in Österreich an?",
  ["Alois Stöger", "Stöger"])
T(581, "wie viel+welche", "Wie viel Geld umfasst das Turbopaket Technologie, und welches selbstfahrende Auto feiert bei der Ars Electronica seine Europapremiere?",
  ["50 Millionen Euro"], ["Mercedes-Benz F 015"])
U(581, "wo", "Auf welcher Autobahn wird Österreichs erste Teststrecke für selbstfahrende Autos eingerichtet?",
  "Konkrete Strecken sollen erst im Oktober präsentiert werden.",
  ["Teststrecke", "Autobahn", "A1", "A2"])

# ---------------------------------------------------------------- Panorama
S(68, "wer", "Welcher Minister bestätigte Vorbereitungen für strengere Grenzkontrollen am Brenner?",
  ["Hans Peter Doskozil", "Doskozil"])
U(68, "wie lang", "Wie lang soll der Grenzzaun am Brenner werden?",
  "Doskozil wollte Details über Zäune ausdrücklich nicht nennen.",
  ["Brenner", "Zaun", "Kilometer", "Meter"])

S(83, "wie viele", "Wie viele Menschen lebten schätzungsweise im sogenannten Dschungel von Calais?",
  ["3.000 Migranten", "3.000"])
F(83, "wie viele", "Wer ordnete die Räumung des südlichen Teils des Lagers von Calais an?",
  "Die Räumung ordnete Innenminister Bernard Cazeneuve an.",
  "Wie viele Polizisten wurden bei den Krawallen dort am Montagabend verletzt?",
  "Wie viele Polizisten wurden bei den Zusammenstößen während der Räumung in Calais leicht verletzt?",
  ["Elf Polizisten", "Elf"])
T(83, "wie viele+wie viele", "Wie viele Polizisten bot Belgien nach der Räumung von Calais auf, und wie viele Flüchtlinge wurden schon nach Frankreich zurückgebracht?",
  ["300 Polizisten", "300"], ["Mehr als 600", "600"])

S(121, "welche", "Welche Krankheit hält EU-Kommissar Andriukaitis als einzige für einen möglichen Risikofaktor bei Flüchtlingen?",
  ["Polio", "Kinderlähmung"])
U(121, "welche", "Welches Ministerium leitete Vytenis Andriukaitis in Litauen?",
  "Der Artikel sagt nur 'später Minister', nicht welches Ressort.",
  ["Andriukaitis", "Minister", "Ministerium"])

S(171, "wie lang", "Wie groß können Silbermöwen werden?", ["bis zu 67 Zentimeter", "67 Zentimeter"])
F(171, "wie viel", "Welcher Finanzminister strich die Studie zum Umgang mit den Möwen?",
  "Das war der konservative Finanzminister George Osborne.",
  "Wie viel Geld wurde dadurch gestrichen?",
  "Wie hoch war die Finanzierung für die Möwen-Studie, die George Osborne strich?", ["353.000 Euro"])
S(171, "wie viele", "Wie viele Möweneier wurden in Devizes aus den Nestern entfernt?", ["800 Möweneier", "800"])

T(202, "wie viele+wie hoch", "Wie viele illegale Deponien wurden bisher auf dem Häusle-Gelände gefunden, und wie hoch ist der Jahresumsatz des Unternehmens?",
  ["fünf illegale Deponien", "fünf"], ["75,7 Millionen Euro"])
S(202, "warum", "Warum soll die Firma Häusle Plastikmüll auf dem eigenen Areal vergraben haben?",
  ["Entsorgungskosten und Abgaben sparen", "Entsorgungskosten und Abgaben"])
U(202, "wer", "Wie heißen die früheren Geschäftsführer von Häusle, deren Verantwortung nun geprüft wird?",
  "Die früheren Geschäftsführer werden nur als Gesellschafter mit 26,4 Prozent erwähnt, nicht namentlich.",
  ["Geschäftsführer", "Häusle", "Gesellschafter"])

S(231, "wo", "An welchem Platz in Hietzing sollte das Falschgeld übergeben werden?", ["Montecuccoli-Platz"])
U(231, "wo", "Wo wurde das in Wien beschlagnahmte Falschgeld im Wert von fast 300.000 Euro hergestellt?",
  "Der Herstellungsort ist laut Polizei noch Gegenstand von Ermittlungen.",
  ["Falschgeld", "hergestellt", "gedruckt", "Blüten"])

F(256, "wie viele", "Wie viele US-Bürger sind laut USA Today von bleiverseuchtem Trinkwasser betroffen?",
  "Laut USA Today sind rund sechs Millionen US-Bürger betroffen.",
  "In wie vielen Wasserverteilungssystemen wurde das Blei gemessen?",
  "In wie vielen US-Wasserverteilungssystemen wurden laut USA Today Bleiwerte über dem EPA-Grenzwert gemessen?",
  ["etwa 2.000", "2.000"])
S(256, "seit wann", "Seit wann bezieht die Stadt Flint ihr Trinkwasser aus dem Flint-Fluss?", ["im April 2014", "April 2014"])
U(256, "wie viele", "Wie viele Einwohner von Flint wurden wegen einer Bleivergiftung im Spital behandelt?",
  "Der Artikel nennt Symptome und erhöhte Bleiwerte bei Kindern, aber keine Zahl behandelter Menschen.",
  ["Flint", "Spital", "behandelt", "Krankenhaus"])

S(297, "wie viele", "Wie viele seltene Papageien stellte die Zollfahndung Niederösterreich im Weinviertel sicher?",
  ["50 seltene Papageien", "50"])
U(297, "wie viele", "Wie viele Personen wurden im Fall der geschmuggelten Papageien im Weinviertel angezeigt?",
  "Die genaue Zahl wollte der Zoll aus ermittlungstaktischen Gründen nicht nennen.",
  ["Papageien", "angezeigt", "Personen"])

S(409, "wie alt", "Wie alt ist Maria Großbauer, die neue Organisatorin des Opernballs?", ["35"])
F(409, "was", "Wem folgt Maria Großbauer als Organisatorin des Wiener Opernballs nach?",
  "Sie folgt auf Desirée Treichl-Stürgkh.",
  "Welches Buch hat sie über ihren Vater geschrieben?",
  "Wie heißt das Buch, das Maria Großbauer über ihren Vater verfasst hat?", ["In Frack und Lederhose"])
U(409, "wie viel", "Wie viel verdient Maria Großbauer als Organisatorin des Opernballs?",
  "Eine Bezahlung wird nicht erwähnt.",
  ["Großbauer", "Gage", "verdient", "Honorar"])

S(497, "warum", "Warum war der vordere Zug vor dem Unfall am Semmering stehen geblieben?",
  ["Wegen eines technischen Problems", "technischen Problems"])
U(497, "was", "Was hatte der am Semmering entgleiste Güterzug geladen?",
  "Die Ladung ist laut Artikel vorerst noch unklar.",
  ["Güterzug", "geladen", "Ladung", "Wagons"])

S(512, "wie viel", "Wie viel wurde insgesamt in die Revitalisierung der Mur investiert?", ["14,5 Millionen Euro"])
T(512, "wie viel+wo", "Mit wie viel Geld ist der Thiess International Riverprize dotiert, und in welcher Stadt wird er vergeben?",
  ["rund 250.000 Euro", "250.000 Euro"], ["Brisbane"])
U(512, "welche", "Welches Projekt hat den Thiess International Riverprize letztlich gewonnen?",
  "Der Preis wird erst nach Erscheinen des Artikels vergeben.",
  ["Riverprize", "gewonnen", "Sieger"])

S(575, "wie viele", "Wie viele Hitzetage gab es in Wien im Schnitt zwischen 1961 und 1990?", ["rund 9,6", "9,6"])
U(575, "wie viele", "Wie viele Hitzetage zählte Wien im Jahr 2015?",
  "Genannt werden nur der Schnitt 1961-1990 und der Wert für 2010.",
  ["Hitzetage", "2015"])

T(362, "wie hoch+wie viel", "Wie hoch wird der Zaun bei Spielfeld, und wie viel soll er kosten?",
  ["2,2 Meter"], ["1,2 bis 2 Millionen"])
S(362, "wie viele", "Mit wie vielen Grundeigentümern muss vor dem Bau des Spielfelder Grenzzauns verhandelt werden?",
  ["18 Eigentümer", "18"])
S(362, "warum", "Warum wurde laut Mikl-Leitner auf den 25 Kilometer langen Zaun verzichtet?",
  ["der Nachbar Slowenien darum gebeten habe", "Slowenien"])

S(145, "wie viel", "Wie hoch ist in Italien die übliche Geldstrafe für das Rauchen im Auto, wenn Minderjährige mitfahren?",
  ["110 Euro"])
U(145, "wie viele", "Wie viele Raucher gibt es in Italien?",
  "Der Artikel beschreibt die neuen Strafen, nennt aber keine Raucherzahl.",
  ["Raucher", "Italien", "Prozent"])

# ---------------------------------------------------------------- Wirtschaft
S(66, "wer", "Gegen wen richtete sich der Misstrauensantrag der FPÖ im Kärntner Landtag?",
  ["Gaby Schaunig", "Schaunig"])
U(66, "wie hoch", "Wie hoch sind die Haftungen des Landes Kärnten für die Heta insgesamt?",
  "Die Landeshaftungen werden nicht beziffert.",
  ["Haftung", "Heta", "Milliarden"])

S(77, "wie viel", "Zu welchem Anteil sind die faulen Kredite der Unicredit nach Angaben der Bank gedeckt?",
  ["zu 60 Prozent", "60 Prozent"])
S(77, "wer", "Wer ist Chef der Bank-Austria-Mutter Unicredit?", ["Federico Ghizzoni", "Ghizzoni"])
T(77, "wie viel+wie viel", "Wie viel ist die Monte dei Paschi di Siena heute noch wert, und um wie viel sind ihre Aktien seit Jahresbeginn gefallen?",
  ["zwei Milliarden Euro"], ["40 Prozent"])

S(119, "welche", "Bei welcher Behörde beschwerten sich Reisebüros über die Buchungsgebühr von AUA und Lufthansa?",
  ["Wettbewerbsbehörde", "Bundeswettbewerbsbehörde", "BWB"])
U(119, "wie viel", "Wie viel nimmt die AUA jährlich durch die Buchungsgebühr für Reisebüros ein?",
  "Die AUA spricht nur von Kostendeckung, Einnahmen werden nicht beziffert.",
  ["AUA", "Gebühr", "Einnahmen", "Millionen"])

S(128, "wie viel", "Um wie viel Prozent wuchs Österreichs BIP im ersten Quartal 2016 laut Wifo-Neuberechnung gegenüber dem Vorquartal?", ["0,5"])
U(128, "wie hoch", "Wie hoch war Österreichs Arbeitslosenquote im ersten Quartal 2016?",
  "Der Wifo-Bericht im Artikel enthält keine Arbeitsmarktdaten.",
  ["Arbeitslos"])

S(147, "wer", "Wer ist die neue Generaldirektorin der Vienna Insurance Group?", ["Elisabeth Stadler", "Stadler"])
T(147, "wie viel+wie hoch", "Auf welchen Betrag sank das Vorsteuerergebnis der VIG 2015, und wie hoch soll die Dividende je Aktie ausfallen?",
  ["rund 172 Mio. Euro", "172 Mio. Euro"], ["60 Cent", "0,60 Euro"])
U(147, "wie viele", "Wie viele Mitarbeiter hat die Vienna Insurance Group?",
  "Eine Mitarbeiterzahl wird nicht genannt.",
  ["VIG", "Mitarbeiter", "Beschäftigte"])

S(184, "wie viel", "Auf welche Summe verklagt Rakesh Sardana die Flughafen Wien AG in New York?",
  ["168 Millionen Dollar", "rund 150 Millionen Euro", "150 Millionen Euro"])
S(184, "wie viele", "Wie viele Geschäfte betreibt Sardana am New Yorker Flughafen JFK?", ["18 Geschäfte", "18"])
F(184, "wann", "Welcher Lobbyist soll laut Sardana die Schmutzkampagne gegen ihn umgesetzt haben?",
  "Laut Klage war das der Lobbyist Peter Hochegger.",
  "Wann hat er Sardana die Kampagne gestanden?",
  "Wann gestand Peter Hochegger Rakesh Sardana gegenüber die Schmutzkampagne ein?",
  ["am 14. September 2013", "14. September 2013"])

T(283, "wie viele+wie viele", "Wie viele Windräder sollen auf der Handalm errichtet werden, und wie viele Haushalte kann der Windpark versorgen?",
  ["13 Windräder", "13"], ["rund 21.000 Haushalte", "21.000"])
S(283, "wie viel", "Wie viel investiert die Energie Steiermark in den Windpark Handalm?", ["rund 58 Mio. Euro", "58 Mio. Euro"])
F(283, "wie viel", "Wann eröffnete die Energie Steiermark ihren ersten Windpark?",
  "Den ersten Windpark eröffnete sie im Oktober 2014 auf der Freiländeralm.",
  "Was hat der damals gekostet?",
  "Wie viel kostete der erste Windpark der Energie Steiermark auf der Freiländeralm?",
  ["rund 9,5 Mio. Euro", "9,5 Mio. Euro"])

S(328, "wer", "Welches Unternehmen stattete das Palmers-Lager in Vösendorf mit dem neuen Datenerfassungssystem aus?",
  ["Barcotec"])
F(328, "wer", "Wo betreibt der Wäschehändler Palmers sein Lager?",
  "Das Palmers-Lager befindet sich in Vösendorf.",
  "Wer ist dort für die Logistik verantwortlich?",
  "Wer ist Logistikchefin bei Palmers?", ["Elisabeth Kirnbauer", "Kirnbauer"])
U(328, "wie viel", "Wie viel hat Palmers in das neue Barcodesystem für sein Lager investiert?",
  "Investitionskosten werden nicht genannt.",
  ["Palmers", "investiert", "Euro"])

S(375, "wie viele", "Wie viele Tonnen Lebensmittelabfälle fallen laut Ökologie-Institut in Österreich insgesamt an?",
  ["rund 750.000 Tonnen", "750.000 Tonnen"])
U(375, "wie viele", "Wie viele Tonnen Lebensmittel wirft allein der österreichische Handel jedes Jahr weg?",
  "Der Artikel nennt nur Summen für Haushalte, Gastronomie und Handel zusammen.",
  ["Handel", "Tonnen", "Lebensmittel"])

T(498, "wie viele+wie viele", "Wie viele Filialen betreibt Zielpunkt insgesamt, und wie viele davon liegen im Wiener Raum?",
  ["229"], ["126"])
S(498, "warum", "Warum nimmt Zielpunkt die Gutscheine seiner Kunden nicht mehr an?", ["Gläubigerbenachteiligung"])
U(498, "wer", "Wer wurde zum Masseverwalter im Zielpunkt-Konkurs bestellt?",
  "Der Masseverwalter wird nur als Funktion erwähnt, nicht namentlich.",
  ["Masseverwalter", "Zielpunkt"])

F(563, "wie viele", "Wer steht an der Spitze von Siemens?",
  "Siemens-Chef ist Joe Kaeser.",
  "Wie viele Mitarbeiter-Aktionäre will er bis 2020 haben?",
  "Wie viele Beschäftigte sollen bis 2020 Siemens-Aktionäre sein?", ["mehr als 200.000", "200.000"])
S(563, "wie viel", "Mit wie viel Geld hat Siemens seinen Teilhabefonds für die Belegschaft ausgestattet?",
  ["rund 200 Mio. Euro", "200 Mio. Euro"])
U(563, "wie viele", "Wie viele Siemens-Mitarbeiter arbeiten in Österreich?",
  "Genannt wird nur die weltweite Belegschaft von rund 340.000.",
  ["Siemens", "Österreich"])

S(208, "wer", "Welcher abgesetzte Energieminister soll an Griechenlands Plan B für eine Parallelwährung beteiligt gewesen sein?",
  ["Panagiotis Lafazanis", "Lafazanis"])
U(208, "wie hoch", "Wie hoch war die Rate, die Griechenland am 20. August an die EZB zurückzahlen musste?",
  "Der Artikel spricht nur von der 'nächsten Milliardenrate' ohne Betrag.",
  ["20. August", "Rate", "Milliarden"])

# ---------------------------------------------------------------- Inland
S(105, "wer", "Welcher Bundesschulsprecher kritisierte den Brief von Irmgard Griss an die Schulsprecher?",
  ["Maximilian Gnesda", "Gnesda"])
U(105, "wie viele", "An wie viele Schulsprecher verschickte das Team von Irmgard Griss den Brief?",
  "Der Artikel spricht nur von 'zahlreichen Schulsprechern'.",
  ["Schulsprecher", "Brief"])

F(200, "welche", "Wen holte Franz Voves im Jänner 2013 aus dem Nationalrat in die steirische Landesregierung?",
  "Er holte den damals 33-jährigen Schickhofer in die Landesregierung.",
  "Für welche Ressorts war er damals zuständig?",
  "Welche Agenden übernahm Schickhofer 2013 in der steirischen Landesregierung?",
  ["Bildung, Jugend und Familie"])
S(200, "welche", "In welchem Konzern sammelte Schickhofer in Kanada und Weiz Berufserfahrung?", ["Magna-Konzern", "Magna"])
U(200, "wie viele", "Wie viele Vorzugsstimmen erhielt Schickhofer bei der steirischen Landtagswahl?",
  "Wahlergebnisse Schickhofers werden nicht erwähnt.",
  ["Schickhofer", "Vorzugsstimmen", "Stimmen"])

S(234, "wer", "Wer ist Präsident des Österreichischen Rechtsanwaltskammertags?", ["Rupert Wolff", "Wolff"])
S(234, "wie lange", "Wie lange darf Schubhaft derzeit höchstens verhängt werden?",
  ["maximal zehn Monaten innerhalb von 18 Monaten", "zehn Monaten", "zehn Monate"])
T(234, "wer+wann", "Wer ist Geschäftsführer des Vereins Neustart, und seit welchem Jahr lagen die Anzeigen im Vorjahr laut ihm auf einem Tiefststand?",
  ["Christoph Koss", "Koss"], ["1999"])

S(262, "wann", "Wann findet der nächste Landesparteitag der oberösterreichischen SPÖ statt?", ["16. Jänner"])
S(262, "wie viel", "Auf wie viel Prozent stürzte die SPÖ bei der oberösterreichischen Landtagswahl ab?", ["18 Prozent"])
F(262, "wie viele", "Wie viele Vorstandsmitglieder stimmten dafür, dass Reinhold Entholzer den sicheren Regierungssitz erhält?",
  "68 von 70 Mitgliedern des Landesparteivorstands stimmten dafür.",
  "Und wie viele haben sich enthalten?",
  "Wie viele Mitglieder des Landesparteivorstands der SPÖ Oberösterreich enthielten sich bei der Abstimmung über Entholzers Regierungssitz?",
  ["zwei"])

S(365, "wie alt", "Wie alt ist Alexander Van der Bellen zum Start seiner Präsidentschaftskampagne?", ["71"])
U(365, "was", "Wie heißt die Autobiografie von Alexander Van der Bellen?",
  "Die Autobiografie wird erwähnt, ihr Titel nicht.",
  ["Autobiografie", "Buch", "Verlag"])
U(365, "wie viel", "Wie viel Geld will Alexander Van der Bellen für seinen Wahlkampf ausgeben?",
  "Das Wahlkampfbudget wird nicht genannt (auch im Spenden-Artikel als noch nicht verraten bezeichnet).",
  ["Van der Bellen", "Wahlkampf", "ausgeben", "Budget"])

S(527, "wie viele", "In wie vielen Sprachen wurde muttersprachlicher Unterricht angeboten?", ["25 Sprachen", "25"])
F(527, "wie viele", "In welchem Bundesland besuchen die meisten Schüler muttersprachlichen Unterricht?",
  "Die meisten dieser Schüler gibt es in Wien.",
  "Wie viele sind es dort?",
  "Wie viele Schüler besuchten 2013/14 in Wien nichtdeutschen muttersprachlichen Unterricht?", ["18.478"])
U(527, "wie viele", "Wie viele Schüler besuchten im Schuljahr 2015/16 muttersprachlichen Unterricht?",
  "Die Zahlen gelten nur für 2013/14 (und das Vorjahr).",
  ["muttersprachlich", "2015/16", "2014/15"])

S(553, "warum", "Warum hält Tirols Landeshauptmann Platter den Hubschrauberstützpunkt in Vomp für unverzichtbar?",
  ["für den Fall von Naturkatastrophen", "Naturkatastrophen"])
U(553, "wie viele", "Wie viele Soldaten sind in der Vomper Kaserne stationiert?",
  "Eine Personalstärke der Kaserne wird nicht genannt.",
  ["Vomp", "Soldaten"])

S(590, "wie alt", "Wie alt ist Nedeljko Bilalic, der Kampagnenleiter von Rudolf Hundstorfer?", ["37"])
S(590, "was", "Mit welchem Slogan wirbt die SPÖ für ihren Präsidentschaftskandidaten Rudolf Hundstorfer?",
  ["Mit Sicherheit immer für uns"])
F(590, "wann", "Für wen war Nedeljko Bilalic vier Jahre lang Pressesprecher?",
  "Er war Pressesprecher von Bundeskanzler Werner Faymann.",
  "In welchem Jahr hat der ihn ins Kanzleramt geholt?",
  "In welchem Jahr holte Werner Faymann Nedeljko Bilalic als Pressesprecher ins Kanzleramt?", ["2011"])

S(412, "wer", "Wer ist Landesparteichef der Tiroler FPÖ?", ["Markus Abwerzger", "Abwerzger"])
U(412, "wer", "Welchen eigenen Kandidaten favorisiert Tirols FPÖ-Chef für die Bundespräsidentenwahl?",
  "Abwerzger wollte ausdrücklich keinen Namen nennen.",
  ["Abwerzger", "Kandidat", "favorisiert"])

# ---------------------------------------------------------------- Sport
T(75, "wie viel+welche", "Mit welchem Vorsprung gewann Sebastien Ogier die Deutschland-Rallye, und in welchem Auto?",
  ["23 Sekunden"], ["VW Polo R WRC", "VW Polo"])
S(75, "wo", "Wo findet der nächste Lauf der Rallye-WM nach der Deutschland-Rallye statt?", ["Australien"])
U(75, "wann", "Wann fixierte Sebastien Ogier seinen dritten WM-Titel endgültig?",
  "Der Titel war zum Zeitpunkt des Artikels noch nicht fixiert.",
  ["Ogier", "Titel", "Weltmeister"])

S(216, "wie hoch", "Wie hoch schätzt Thomas Schaffer die Siegchance der Carolina Panthers in der 50. Super Bowl?",
  ["60 bis 70 Prozent"])
F(216, "welche", "Auf welcher Position spielt der österreichische Football-Spieler Thomas Schaffer?",
  "Er spielt in der Defensive Line.",
  "Auf welche Schule geht er bisher?",
  "Welche Schule besucht Thomas Schaffer vor seinem Wechsel an die Stanford-Universität?",
  ["Lake Forest Academy"])
U(216, "wer", "Wer gewann die 50. Super Bowl?",
  "Der Artikel erschien vor dem Spiel.",
  ["Super Bowl", "gewann", "Sieger", "Broncos", "Panthers"])

S(278, "wie viele", "Vor wie vielen Zuschauern gewann Rapid in Amsterdam gegen Ajax?", ["53.000"])
T(278, "wer+wann", "Wer erzielte Rapids Führungstreffer in Amsterdam, und in welcher Minute fiel Rapids Siegtor zum 3:2?",
  ["Robert Beric", "Beric"], ["77. Minute", "77."])
U(278, "wer", "Gegen welchen Gegner spielte Rapid nach dem Sieg über Ajax im Playoff zur Champions League?",
  "Das Playoff wurde erst nach dem Artikel ausgelost.",
  ["Playoff", "Play-off", "Donezk", "Rapid"])

S(310, "wer", "Welcher ÖSV-Läufer wurde in der Abfahrt von Beaver Creek Vierter?", ["Hannes Reichelt", "Reichelt"])
F(310, "wann", "Wer war der letzte österreichische Abfahrtssieger auf der Birds of Prey in Beaver Creek?",
  "Das war Michael Walchhofer.",
  "In welchem Jahr war das?",
  "In welchem Jahr gewann Michael Walchhofer die Abfahrt in Beaver Creek?", ["2007"])
U(310, "wer", "Wer gewann den Super-G in Beaver Creek am Tag nach Svindals Abfahrtssieg?",
  "Der Super-G fand nach Erscheinen des Artikels statt.",
  ["Super-G", "Beaver Creek"])

S(344, "wer", "Auf wen trifft Dominic Thiem bei seinen ersten US Open als gesetzter Spieler in Runde eins?", ["Daniel Gimeno-Traver", "Gimeno-Traver"])
S(344, "wie viel", "Mit welcher Summe sind die US Open dotiert, bei denen Thiem erstmals gesetzt ist?", ["42,3 Millionen Dollar"])
U(344, "wie", "Wie endete das Erstrundenspiel von Dominic Thiem gegen Gimeno-Traver bei den US Open?",
  "Der Artikel behandelt nur die Auslosung.",
  ["Gimeno-Traver", "Thiem"])

S(423, "welche", "Welches Land stand bei der Eishockey-WM 2016 nach dem 1:2 gegen Lettland als erster Absteiger fest?",
  ["Kasachstan"])
F(423, "wer", "Wer gewann das Spiel Russland gegen die Schweiz bei der Eishockey-WM in Moskau?",
  "Gastgeber Russland gewann mit 5:1.",
  "Wer traf dabei zum 2:0?",
  "Wer erzielte beim 5:1-Sieg Russlands gegen die Schweiz bei der Eishockey-WM das 2:0?",
  ["Jewgeni Kusnezow", "Kusnezow"])
S(423, "wie viele", "Wie viele mitgereiste Fans feierten Ungarns Sieg gegen Weißrussland?", ["rund 500", "500"])

S(529, "wer", "Wer erzielte für den 1. FC Köln den Ausgleich in Ingolstadt?", ["Anthony Modeste", "Modeste"])
T(529, "wer+wer", "Wer schoss beim 4:0 des VfL Wolfsburg gegen Hannover 96 drei Tore, und wer erzielte den vierten Treffer?",
  ["Andre Schürrle", "Schürrle"], ["Julian Draxler", "Draxler"])
U(529, "wie viele", "Wie viele Zuschauer verfolgten das Spiel Ingolstadt gegen Köln?",
  "Eine Zuschauerzahl wird nicht genannt.",
  ["Zuschauer", "Ingolstadt"])

S(535, "wann", "Wann trifft die Austria unter Neo-Trainer Thorsten Fink im Wiener Derby auf Rapid?", ["am 12. August", "12. August"])
U(535, "wie", "Wie endete das Spiel Grödig gegen Austria Wien am Unterberg im August 2015?",
  "Der Artikel ist eine Vorschau vor dem Spiel.",
  ["Grödig", "Austria", "Unterberg"])

S(488, "wer", "Wer gewann die 107. Ausgabe von Mailand–Sanremo?", ["Arnaud Demare", "Demare"])
T(488, "wie lang+wie viele", "Wie lang war die Strecke von Mailand–Sanremo, und um wie viele Kilometer wurde sie wegen eines Felssturzes länger?",
  ["295 km"], ["vier Kilometer", "vier"])
F(488, "welche", "Für welches Team fährt der Kärntner Marco Haller?",
  "Marco Haller fährt für Katjuscha.",
  "Auf welchem Platz kam er in Sanremo ins Ziel?",
  "Welchen Platz belegte Marco Haller bei Mailand–Sanremo?", ["127."])

S(543, "wie viele", "Seit wie vielen Bundesliga-Partien ist Grödig vor dem Spiel gegen Sturm ohne Sieg?",
  ["zehn Partien", "zehn"])
S(543, "welche", "Welche Verletzung zog sich Grödigs Innenverteidiger Matthias Maak im Training zu?",
  ["Einriss des Außenmeniskus", "Meniskuseinriss"])
F(543, "warum", "Wie viele Tore erzielte Benjamin Sulimani beim 3:0 Grödigs gegen Sturm in der 11. Runde?",
  "Sulimani traf dabei zweimal.",
  "Warum fehlt er im neuerlichen Duell mit Sturm?",
  "Warum fehlt Benjamin Sulimani Grödig im Heimspiel gegen Sturm Graz in der 29. Runde?",
  ["fünften Gelben Karte", "fünfte Gelbe Karte"])

# ---------------------------------------------------------------- Etat
S(71, "wer", "Welcher Schauspieler spielt die Hauptfigur Martin Rauch in Deutschland 83?", ["Jonas Nay"])
T(71, "was+wer", "Welchen Decknamen trägt Martin Rauch in der Serie Deutschland 83, und wer hat die Musik dazu komponiert?",
  ["Kolibri"], ["Reinhold Heil"])
U(71, "wie viele", "Wie viele Zuschauer sahen den Auftakt von Deutschland 83 auf RTL?",
  "Der Artikel erschien vor dem RTL-Start; RTL will die Quoten erst abwarten.",
  ["Deutschland 83", "Zuschauer", "Quote"])

T(140, "wer+wo", "Wer moderiert die neue Stadlshow, und wo wird die erste Sendung ausgetragen?",
  ["Francine Jordi und Alexander Mazza"], ["Offenburg"])
S(140, "wer", "Wer hat den Musikantenstadl erfunden?", ["Karl Moik", "Moik"])
U(140, "wie viel", "Wie viel kostet die Produktion einer Ausgabe der Stadlshow?",
  "Produktionskosten werden nicht genannt.",
  ["Stadlshow", "Kosten", "Euro"])

S(151, "wie viel", "Wie viel Geld verschwand bei einer Barbehebung für ORF-Korrespondent Christian Wehrschütz?",
  ["rund 30.000 Euro", "30.000 Euro"])
U(151, "wer", "Wie heißt der ORF-Mitarbeiter, der nach der verschwundenen Barbehebung für Wehrschütz dienstfrei gestellt wurde?",
  "Der Mitarbeiter wird nicht namentlich genannt.",
  ["dienstfrei", "Wehrschütz"])

F(246, "wann", "Wem gehört die britische Zeitung The Independent?",
  "Sie gehört dem russischen Oligarchen Alexander Lebedew und seiner ESI Group.",
  "In welchem Jahr hat er sie gekauft?",
  "In welchem Jahr kaufte Alexander Lebedew die Zeitung The Independent?", ["im Jahr 2010", "2010"])
S(246, "wer", "Wer übernimmt die kleine Schwesterzeitung i newspaper des Independent?", ["Johnston Press"])
U(246, "wie viele", "Wie viele der 150 Mitarbeiter des Independent verlieren ihren Job?",
  "Laut Artikel ist noch nicht klar, wie viele Mitarbeiter ihren Job verlieren.",
  ["Independent", "Mitarbeiter", "Job"])

S(263, "was", "Wie heißt die fünfteilige ZDF-Serie, in der Bastian Pastewka einen Geldfälscher spielt?",
  ["Morgen hör ich auf"])
U(263, "wer", "Wer führte bei der ZDF-Serie 'Morgen hör ich auf' Regie?",
  "Regie wird im Artikel nicht genannt.",
  ["Morgen hör ich auf", "Regie"])

S(583, "wie viel", "Zu welcher Entschädigung wurde die Zeitung Österreich wegen des falschen Germanwings-Copiloten-Fotos verurteilt?",
  ["7.500 Euro"])
S(583, "wer", "Welcher Richter verurteilte die Zeitung Österreich im Fall des falschen Germanwings-Fotos?",
  ["Stefan Apostol", "Apostol"])
F(583, "wer", "Wer vertrat den fälschlich als Germanwings-Copilot abgebildeten Mann vor Gericht?",
  "Seine Anwältin war die Medienanwältin Maria Windhager.",
  "Und wer vertrat die Gegenseite?",
  "Wer ist der Anwalt der Zeitung Österreich im Verfahren um das falsche Germanwings-Foto?",
  ["Peter Zöchbauer", "Zöchbauer"])

# ---------------------------------------------------------------- Kultur
S(67, "wie viel", "Welche Entschädigung muss die Stadt Linz laut Landesgericht für die verschwundenen Schiele-Werke zahlen?",
  ["8,24 Millionen Euro"])
S(67, "wie viele", "Wie viele Schiele-Werke aus der Sammlung Grünbaum verkaufte Mathilde Lukacs an Kornfeld & Klipstein?",
  ["72 Werke", "72"])
F(67, "wo", "Wann wurde der Kabarettist Fritz Grünbaum deportiert?",
  "Fritz Grünbaum wurde 1938 deportiert.",
  "Wo ist er gestorben?",
  "Wo starb der Kabarettist Fritz Grünbaum?", ["in Dachau", "Dachau"])

S(254, "welche", "Mit welchem Konzern hat Adele ihren 90-Millionen-Pfund-Plattenvertrag abgeschlossen?",
  ["Sony Music", "Sony"])
T(254, "welche+wie viel", "Mit welcher Plattenfirma unterzeichnete Robbie Williams 2002 seinen Vertrag, und wie viel war dieser wert?",
  ["EMI"], ["80 Millionen Pfund"])
U(254, "wie viele", "Wie viele Alben umfasst Adeles neuer Vertrag mit Sony Music?",
  "Laut Artikel wurde nicht mitgeteilt, wie viele Platten der Vertrag umfasst.",
  ["Adele", "Platten", "Alben"])

S(277, "wohin", "Wohin wechselte Yilmaz Dziewior, der Vorgänger von Thomas D. Trummer am Kunsthaus Bregenz?",
  ["Museum Ludwig in Köln", "Museum Ludwig"])
F(277, "wo", "Wer eröffnet 2016 das Ausstellungsjahr im Kunsthaus Bregenz?",
  "Das Jahr eröffnet die schottische Künstlerin Susan Philipsz.",
  "Wo wird eine zweite Arbeit von ihr zu hören sein?",
  "Wo wird eine zweite Arbeit von Susan Philipsz zu hören sein?",
  ["Jüdischen Friedhof von Hohenems", "Hohenems"])
U(277, "wie viele", "Wie viele Besucher zählte das Kunsthaus Bregenz im Jahr 2014?",
  "Genannt wird nur die Hochrechnung für 2015; für 2014 heißt es nur, man liege etwas darüber.",
  ["Kunsthaus", "Besucher", "2014"])

S(351, "wo", "In welcher Stadt wurde Gustavo Dudamel geboren?", ["Barquisimeto"])
U(351, "welche", "Welche Stücke stehen auf dem Programm des Neujahrskonzerts 2017 unter Gustavo Dudamel?",
  "Das Programm wird nicht genannt.",
  ["Neujahrskonzert", "Programm", "Walzer"])

S(530, "wie alt", "Wie alt wurde der Musikproduzent Robert Stigwood?", ["81 Jahren", "81"])
U(530, "woran", "Woran ist Robert Stigwood gestorben?",
  "Eine Todesursache wird nicht genannt.",
  ["Stigwood", "Todesursache", "starb", "gestorben"])

# ---------------------------------------------------------------- Wissenschaft
S(64, "wie viele", "Wie viele Probanden untersuchte das Team um Yuka Sasaki im Schlaflabor?",
  ["35 Freiwilligen", "35"])
T(64, "welche+welche", "In welchem Fachjournal erschien die Studie der Brown University zum Schlaf in fremder Umgebung, und welche Hirnhälfte bleibt dabei wachsam?",
  ["Current Biology"], ["linke Hirnhälfte", "linken Gehirnhemisphäre", "linke"])
U(64, "wie viele", "Wie viele Nächte braucht man laut der Studie der Brown University, um sich an ein fremdes Bett zu gewöhnen?",
  "Die Studie vergleicht nur die erste und die achte Nacht; eine Gewöhnungsdauer wird nicht genannt.",
  ["Nächte", "gewöhn", "Nacht"])

S(130, "wie viele", "Wie viele Fledertier-Proben testeten die Forscher auf das Krim-Kongo-Virus?", ["1.135 Proben", "1.135"])
T(130, "wie viele+wie viele", "Wie viele Menschen haben sich bisher weltweit mit dem Krim-Kongo-Virus infiziert, und wie viele davon starben?",
  ["über 10.000 Menschen", "über 10.000", "10.000"], ["knapp 800", "800"])
S(130, "wer", "Wer ist Direktor des Bonner Instituts für Virologie?", ["Christian Drosten", "Drosten"])

S(239, "welche", "In welchem Fachjournal berichteten die Wiener Botaniker über das Krainer Greiskraut?", ["Phytotaxa"])
S(239, "welche", "Welche der vier Greiskraut-Arten wächst ausschließlich in Österreich?",
  ["das Norische Greiskraut", "Norische Greiskraut"])
F(239, "wo", "Wer hat an der Uni Wien gezeigt, dass das Krainer Greiskraut aus vier Arten besteht?",
  "Das waren Gerald Schneeweiß und seine Kollegen.",
  "In welcher Gegend kommen drei dieser Arten nebeneinander vor?",
  "In welchem Gebiet wachsen drei der vier Greiskraut-Arten auf kleinstem Raum gemeinsam?",
  ["Kärntner Nockbergen", "Nockbergen"])

S(341, "welche", "Welcher Wirkstoff verursachte in Indien ein massenhaftes Geiersterben?", ["Diclofenac"])
F(341, "wie viele", "Wann brachen die Geierbestände in Indien ein?",
  "Sie brachen Mitte der 1990er Jahre ein.",
  "Wie viele Menschen fielen der Tollwutepidemie danach zum Opfer?",
  "Wie viele Menschen starben in Indien von 1992 bis 2006 an der Tollwutepidemie?",
  ["48.000 Menschen", "48.000"])
U(341, "wie viele", "Wie viele Geier leben heute noch in Indien?",
  "Aktuelle Bestandszahlen werden nicht genannt.",
  ["Geier", "Indien", "Bestand"])

S(586, "welche", "In welcher Fachzeitschrift erschien die Studie der Forschergruppe von Kenneth De Baets zu fossilen Plattwürmern?",
  ["Advances in Parasitology"])
U(586, "wie viele", "Wie viele Fossilfunde von Plattwürmern wertete das Team um De Baets insgesamt aus?",
  "Es heißt nur 'alle weltweit dokumentierten Vorkommen', ohne Zahl.",
  ["Plattwürm", "Fossil", "Vorkommen"])

QUESTION_ROWS = sorted({80, 89, 129, 175, 180, 187, 207, 259, 267, 314, 424, 540, 576, 580,
                        78, 84, 100, 163, 192, 218, 280, 389, 441, 448, 501, 548, 581,
                        68, 83, 121, 171, 202, 231, 256, 297, 409, 497, 512, 575, 362, 145,
                        66, 77, 119, 128, 147, 184, 283, 328, 375, 498, 563, 208,
                        105, 200, 234, 262, 365, 527, 553, 590, 412,
                        75, 216, 278, 310, 344, 423, 529, 535, 488, 543,
                        71, 140, 151, 246, 263, 583,
                        67, 254, 277, 351, 530,
                        64, 130, 239, 341, 586})
DISTRACTOR_ROWS = sorted({518, 509, 366, 515, 240, 399, 265, 296, 210, 533, 467, 367, 545, 477,
                          364, 139, 193, 86, 500, 155, 342, 321, 392, 569, 532})
