# Second `dotnet run` of the sample (issue 18.15), two trees alternated in the same minutes:
#   python3 benchmarks/second-run/ab.py 8 main <clone of main> mine <this clone> -- dotnet run --project samples/Sample
# Run each tree twice first (the first run after a solution build restores and checks more).
# ab.py ROUNDS label1 dir1 label2 dir2 ... -- cmd...   : alternates the command in each dir, reports wall/cpu
import subprocess,sys,statistics,os
FT=os.path.join(os.path.dirname(os.path.abspath(__file__)),'ft.py')
args=sys.argv[1:]; rounds=int(args[0]); i=args.index('--'); pairs=args[1:i]; cmd=args[i+1:]
labs=[(pairs[k],pairs[k+1]) for k in range(0,len(pairs),2)]
res={l:[] for l,_ in labs}
for r in range(rounds):
    for l,d in labs:
        out=subprocess.run(['python3',FT]+cmd,cwd=d,capture_output=True,text=True).stdout.strip()
        w=float(out.split()[1][:-1]); c=float(out.split()[3][:-1]); res[l].append((w,c))
        print(f"{r} {l}: {out}",flush=True)
for l,_ in labs:
    ws=sorted(x[0] for x in res[l]); cs=sorted(x[1] for x in res[l])
    print(f"{l}: wall min {ws[0]:.2f} med {statistics.median(ws):.2f} max {ws[-1]:.2f} | cpu min {cs[0]:.2f} med {statistics.median(cs):.2f} max {cs[-1]:.2f}")
