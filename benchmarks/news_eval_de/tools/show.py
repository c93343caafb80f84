import csv,sys
rows = list(csv.reader(open('/work/shared/data/10kgnad/test.csv', encoding='utf-8', newline=''), delimiter=';', quotechar="'"))
for a in sys.argv[1:]:
    i=int(a); l,t=rows[i]
    print(f"=== {i} [{l}] {len(t.split())}w\n{t}\n")
