import csv,sys,textwrap
rows = list(csv.reader(open('/work/shared/data/10kgnad/test.csv', encoding='utf-8', newline=''), delimiter=';', quotechar="'"))
for a in sys.argv[1:]:
    i=int(a); l,t=rows[i]
    print("=== gnad_%04d.txt"%i, l, len(t)); print(t); print()
